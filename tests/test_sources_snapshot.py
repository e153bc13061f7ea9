"""Kaggle arXiv snapshot streaming (real lines from kermitt2/arxiv_harvester) and
our docs JSONL, dispatched by read_path."""
import io
import json

import pytest

from ingest.sources import read_path
from ingest.sources.arxiv_snapshot import read_snapshot
from kg.errors import MalformedDocument

try:
    from tests.recorded import FIXTURES
except ImportError:
    from recorded import FIXTURES

SAMPLE = FIXTURES / "arxiv-oai" / "kaggle-snapshot-sample.jsonl"


def test_stream_all_records():
    docs = list(read_snapshot(SAMPLE))
    assert [d.arxiv_id for d in docs] == ["0704.0001", "0704.0002", "0704.0003",
                                          "quant-ph/0602109", "math/9201201", "0801.0495"]
    first = docs[0]
    assert first.id == "arxiv:0704.0001" and first.kind == "arxiv"
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.authors[:2] == ["C. Balázs", "E. L. Berger"]
    assert first.doi == "10.1103/PhysRevD.76.013009"
    assert first.published == "2007-04-02T19:18:42Z" and first.updated == "2008-11-26"
    assert first.categories == ["hep-ph"]


def test_malformed_and_non_utf8_lines_are_reported_and_skipped(tmp_path):
    lines = SAMPLE.read_bytes().splitlines()
    bad = tmp_path / "snap.json"
    bad.write_bytes(b"\n".join([lines[0], b'{"id": "0704.9999", "title": "cut', lines[1],
                                b'{"id": "x", "abstract": "y", "categories": "cs.LG"}',
                                b'{"id": "0704.0009", "abstract": "caf\xe9"}', lines[2]]) + b"\n")
    errors = []
    docs = list(read_snapshot(bad, on_error=lambda n, why: errors.append((n, why))))
    assert [d.arxiv_id for d in docs] == ["0704.0001", "0704.0002", "0704.0003"]
    assert [n for n, _ in errors] == [2, 4, 5]
    assert "invalid JSON" in errors[0][1]
    assert "not an arXiv id" in errors[1][1]
    assert "not valid UTF-8" in errors[2][1]


def test_filters():
    math = list(read_snapshot(SAMPLE, categories="math."))
    assert [d.arxiv_id for d in math] == ["0704.0002", "math/9201201", "0801.0495"]
    cs = list(read_snapshot(SAMPLE, categories=("cs.", "quant-ph")))
    assert [d.arxiv_id for d in cs] == ["0704.0002", "quant-ph/0602109"]
    recent = list(read_snapshot(SAMPLE, since="2009-01-01"))
    assert [d.arxiv_id for d in recent] == ["0801.0495"]


def test_streams_from_a_file_object_lazily():
    class Counting(io.BytesIO):
        reads = 0

        def __next__(self):
            Counting.reads += 1
            return super().__next__()

    stream = Counting(SAMPLE.read_bytes())
    gen = read_snapshot(stream)
    next(gen)
    assert Counting.reads == 1


def test_read_path_sniffs_snapshot_and_docs_jsonl(tmp_path):
    assert len(list(read_path(SAMPLE))) == 6
    docs_file = tmp_path / "docs.jsonl"
    seed = (FIXTURES / "newsletters" / "seed-issue.txt").read_text(encoding="utf-8")
    docs_file.write_text("\n".join(json.dumps(r) for r in [
        {"id": "seed-01", "kind": "newsletter", "text": seed[:300], "entities": [], "title": "T"},
        {"text": "a line with no id"},
        {"id": "empty"},  # no text: an empty document that still answers for its id
        {"id": "doc-2", "kind": "docs", "text": "timm implements MLP-Mixer.",
         "links": [{"url": "https://arxiv.org/abs/2105.01601", "text": "paper"}]},
    ]) + "\n", encoding="utf-8")
    errors = []
    docs = list(read_path(docs_file, on_error=lambda n, why: errors.append((n, why))))
    assert [(d.id, d.kind) for d in docs] == [("seed-01", "newsletter"), ("empty", "docs"),
                                              ("doc-2", "docs")]
    assert docs[1].text == ""
    assert docs[0].title == "T" and docs[2].links[0].url == "https://arxiv.org/abs/2105.01601"
    assert errors == [(2, "line needs an 'id' and a string 'text'")]


def test_binary_jsonl_is_malformed(tmp_path):
    blob = tmp_path / "x.jsonl"
    blob.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(MalformedDocument, match="binary"):
        list(read_path(blob))
