"""Malformed input never ends a run (issue 13 item 7): each file of a folder is read on
its own; JSON nested past Python's recursion limit, lines of the wrong types, a pipe,
links out of the folder (to /dev/zero, to /etc/passwd) and text with lone surrogates
are each quarantined with their reason — or, for the surrogates, stored with U+FFFD —
and the good documents beside them are loaded, on both stores."""
from __future__ import annotations

import json
import os

import pytest

from ingest.pipeline import Ingestor
from kg.models import Document


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good = {"id": "good", "kind": "newsletter", "text": "GreyKite is a library from LinkedIn."}
    (d / "a-nested.jsonl").write_text('{"id": "n", "kind": "newsletter", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    (d / "b-lines.jsonl").write_text(json.dumps(good) + "\n"
                                     + json.dumps({"id": "t", "kind": ["x"], "text": 5}) + "\n"
                                     + '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    (d / "c-surrogate.jsonl").write_text('{"id": "s", "kind": "newsletter", '
                                         '"text": "Torchvex \\ud800 is a library from Acme Labs."}\n')
    os.mkfifo(d / "d-pipe.txt")
    os.symlink("/dev/zero", d / "e-zero.txt")
    os.symlink("/etc/passwd", d / "f-passwd.md")
    return d


def test_a_folder_of_malformed_files_loads_the_good_and_quarantines_the_rest(graph_store, extractor, tmp_path):
    d = _folder(tmp_path)
    report = Ingestor(graph_store, extractor).ingest_paths([str(d)])
    reasons = {q["id"]: q["reason"] for q in graph_store.quarantined()}
    assert "nested too deeply" in reasons[str(d / "a-nested.jsonl")]
    assert "string 'text'" in reasons[f"{d / 'b-lines.jsonl'}:2"]
    assert "nested too deeply" in reasons[f"{d / 'b-lines.jsonl'}:3"]
    assert "not a regular file" in reasons[str(d / "d-pipe.txt")]
    assert "link out of the input folder" in reasons[str(d / "e-zero.txt")]
    assert "link out of the input folder" in reasons[str(d / "f-passwd.md")]
    assert report.loaded == 2       # "good" and the surrogate document
    sources = {r["id"] for r in graph_store.read("MATCH (s:Source) RETURN s.id AS id")}
    assert {"good", "s"} <= sources
    assert {r["developer"] for r in graph_store.run_query("developers", {"name": "GreyKite"})} == {"LinkedIn"}


def test_lone_surrogates_never_reach_a_store():
    doc = Document(id="s", kind="newsletter", text="Torchvex \ud800 is a library.", title="A \udfff title")
    assert doc.text == "Torchvex \ufffd is a library." and doc.title == "A \ufffd title"
    doc.text.encode("utf-8")


def test_a_pipe_given_directly_is_refused_not_waited_on(tmp_path):
    from ingest.sources import read_path
    from kg.errors import SourceError
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(SourceError, match="not a regular file"):
        list(read_path(tmp_path / "pipe.txt"))


def test_empty_and_textless_files_are_recorded_not_silently_skipped(graph_store, extractor,
                                                                    tmp_path):
    """Issue 13 item 7: an empty file, whitespace, deeply nested HTML without text and an
    empty JSON-lines file each leave a quarantine entry saying so, counted as empty."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "a-empty.txt").write_text("")
    (d / "b-blank.md").write_text("  \n\n\t\n")
    (d / "c-nested.html").write_text("<html><body>" + "<div>" * 5000 + "</div>" * 5000
                                     + "</body></html>")
    (d / "d-empty.jsonl").write_text("")
    (d / "e-good.txt").write_text("GreyKite is a library from LinkedIn.")
    report = Ingestor(graph_store, extractor).ingest_paths([str(d)])
    reasons = {q["id"]: q["reason"] for q in graph_store.quarantined()}
    assert report.loaded == 1 and report.empty == 4 and report.errors == 4
    assert reasons == {
        str(d / "a-empty.txt"): "no documents: the file is empty",
        str(d / "b-blank.md"): "no documents: no text found in its 6 bytes "
                               "(markup or whitespace only?)",
        str(d / "c-nested.html"): "no documents: no text found in its 55,026 bytes "
                                  "(markup or whitespace only?)",
        str(d / "d-empty.jsonl"): "no documents: the file is empty"}
