"""`kg extract` on raw newsletter files and on documents JSONL (with bad lines),
and `--workers` giving the same answer as one process."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "newsletters" / "seed-issue.txt"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_extract_raw_newsletter_file_splits_items(tmp_path):
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(main, ["extract", str(SEED), "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = _lines(out)
    assert len(lines) == 15 and len({l["id"] for l in lines}) == 15
    mixer = next(l for l in lines if any(e["name"] == "MLP-Mixer" for e in l["entities"]))
    triples = {(r["head"], r["type"], r["tail"]) for r in mixer["relations"]}
    assert ("PyTorch", "IMPLEMENTS", "MLP-Mixer") in triples
    assert all(r["evidence"] and 0 < r["confidence"] <= 1 for r in mixer["relations"])


def test_extract_jsonl_reports_bad_lines_and_answers_every_id(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_bytes(b"\n".join([
        json.dumps({"id": "ok", "kind": "newsletter",
                    "text": "GreyKite is a forecasting library from LinkedIn."}).encode(),
        b"{not json",
        json.dumps({"id": 7, "kind": "newsletter"}).encode(),  # no text: an empty answer
        b'{"id": "latin1", "text": "caf\xe9"}',
        json.dumps({"id": "soup", "kind": "newsletter",
                    "text": "<div><p>Flyte <b>from</b> Lyft<script>x()</script></div></p>"}).encode(),
        json.dumps({"id": "gold-fields-ignored", "text": "", "entities": [{"name": "X"}]}).encode(),
    ]))
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(main, ["extract", "--input", str(docs), "--output", str(out)])
    assert result.exit_code == 0, result.output
    answered = {l["id"]: l for l in _lines(out)}
    assert set(answered) == {"ok", "7", "soup", "gold-fields-ignored"}
    assert answered["7"]["entities"] == [] and answered["gold-fields-ignored"]["entities"] == []
    assert {"name": "LinkedIn", "type": "Organization"} in [
        {k: e[k] for k in ("name", "type")} for e in answered["ok"]["entities"]]
    assert ":2: invalid JSON" in result.output and ":4: not valid UTF-8" in result.output


def test_workers_give_the_same_predictions(tmp_path):
    docs = FIXTURES / "arxiv-potw-sample.jsonl"
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out, workers in ((one, "1"), (two, "2")):
        result = CliRunner().invoke(main, ["extract", "--input", str(docs), "--output", str(out),
                                           "--workers", workers])
        assert result.exit_code == 0, result.output
    assert one.read_text() == two.read_text()
    assert len(_lines(one)) == 120
