"""The load path on real stores: lineage answers from the seed issue, idempotent
re-ingest, replacement of a changed document's facts, quarantine."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph_dump import dump_graph
from ingest.pipeline import Ingestor
from kg.models import Document

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "newsletters" / "seed-issue.txt"


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def test_seed_issue_answers_lineage_questions(graph_store, extractor):
    report = Ingestor(graph_store, extractor).ingest_paths([str(SEED)])
    assert report.loaded == 15 and report.errors == 0
    implementations = {r["library"] for r in
                       graph_store.run_query("implementations", {"name": "MLP-Mixer"})}
    assert {"PyTorch", "TensorFlow"} <= implementations
    upstream = {r["name"] for r in graph_store.run_query("upstream", {"name": "functorch"})}
    assert "PyTorch" in upstream
    developers = {r["developer"] for r in graph_store.run_query("developers", {"name": "GreyKite"})}
    assert "LinkedIn" in developers
    mentions = graph_store.run_query("mentions", {"name": "GreyKite"})
    assert mentions and "GreyKite" in mentions[0]["snippet"]


def _dump(store) -> list[str]:
    return dump_graph(store, ignore=("first_seen", "last_seen", "at"), unordered_support=True)


def test_reingest_changes_nothing(graph_store, extractor):
    Ingestor(graph_store, extractor).ingest_paths([str(SEED)])
    before, counts = _dump(graph_store), graph_store.counts()
    report = Ingestor(graph_store, extractor).ingest_paths([str(SEED)])
    assert report.unchanged == 15 and report.loaded == 0
    assert graph_store.counts() == counts and _dump(graph_store) == before


def _doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, kind="newsletter", text=text, origin="test")


def _implementers(store, name):
    return {r["library"] for r in store.run_query("implementations", {"name": name})}


def test_changed_document_replaces_only_its_facts(graph_store, extractor):
    ing = Ingestor(graph_store, extractor)
    ing.ingest_documents([
        _doc("a", "ZetaNet is a new vision architecture. It is available in PyTorch and JAX."),
        _doc("b", "ZetaNet is a vision model. It is available in PyTorch."),
    ])
    assert _implementers(graph_store, "ZetaNet") >= {"PyTorch", "JAX"}
    report = Ingestor(graph_store, extractor).ingest_documents([
        _doc("a", "ZetaNet is a new vision architecture. It is available in TensorFlow."),
    ])
    assert report.replaced == 1
    libs = _implementers(graph_store, "ZetaNet")
    assert "TensorFlow" in libs and "PyTorch" in libs  # PyTorch still stated by "b"
    assert "JAX" not in libs
    support = graph_store.read(
        "MATCH (:Library {key: 'pytorch'})-[r:IMPLEMENTS]->(:Architecture {key: 'zetanet'}) "
        "RETURN r.support AS s, r.sources AS src")
    assert support == [{"s": 1, "src": ["b"]}]


def test_newer_extractor_version_reloads(graph_store, extractor, monkeypatch):
    Ingestor(graph_store, extractor).ingest_paths([str(SEED)])
    before = _dump(graph_store)
    monkeypatch.setattr("ingest.pipeline.EXTRACTOR_VERSION", "999.0.0")
    report = Ingestor(graph_store, extractor).ingest_paths([str(SEED)])
    assert report.replaced == 15
    from ingest.extract import EXTRACTOR_VERSION

    def same_version(lines):
        return [line.replace("999.0.0", "V").replace(EXTRACTOR_VERSION, "V") for line in lines]
    # every fact came back, once: nothing lost, nothing doubled
    assert same_version(_dump(graph_store)) == same_version(before)


def test_bad_documents_are_quarantined_and_the_batch_goes_on(graph_store, extractor, tmp_path):
    binary = tmp_path / "issue.txt"
    binary.write_bytes(b"\x80\x81 not text \xc3\x28 \x00\x01")
    missing = tmp_path / "gone.md"
    ing = Ingestor(graph_store, extractor)
    ing.ingest_paths([str(binary), str(missing), str(SEED)])
    ing.ingest_documents([_doc("empty", "   "), _doc("huge", "x " * 3_000_000),
                          _doc("nul", "PyTorch\x00\x00"),
                          _doc("fine", "GreyKite is a library from LinkedIn.")])
    report = ing.report
    assert report.loaded == 16  # the seed issue's 15 items and "fine"
    reasons = {q["id"]: q["reason"] for q in graph_store.quarantined()}
    assert set(reasons) == {str(binary), str(missing), "empty", "huge", "nul"}
    assert "binary" in reasons[str(binary)] and "no such file" in reasons[str(missing)]
    assert "no text" in reasons["empty"] and "limit" in reasons["huge"]
    assert {r["developer"] for r in graph_store.run_query("developers", {"name": "GreyKite"})} \
        == {"LinkedIn"}


def test_bad_jsonl_line_is_quarantined_with_its_line_number(graph_store, extractor, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "a", "kind": "newsletter", "text": "GreyKite is a library from LinkedIn."}\n'
                    '{"id": "b", "text": \n'
                    '{"id": "c", "kind": "newsletter", "text": "Flyte is a workflow tool from Lyft."}\n')
    report = Ingestor(graph_store, extractor).ingest_paths([str(docs)])
    assert report.loaded == 2 and report.errors == 1
    [item] = graph_store.quarantined()
    assert item["id"] == f"{docs}:2" and "JSON" in item["reason"] and item["origin"] == str(docs)


def test_quarantine_retry_releases_fixed_items(graph_store, store_spec, tmp_path):
    from click.testing import CliRunner
    from kg.cli import main
    issue = tmp_path / "later.md"
    issue.write_bytes(b"\xff\xfe broken")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(issue), "--store", store_spec])
    assert result.exit_code == 1, result.output  # quarantined
    listing = runner.invoke(main, ["quarantine", "list", "--store", store_spec, "--format", "json"])
    assert str(issue) in listing.output
    issue.write_text("# Items\n\n## Kite\n\nKiteML is a toolkit from Acme Labs.\n")
    retry = runner.invoke(main, ["quarantine", "retry", "--store", store_spec])
    assert retry.exit_code == 0 and "released 1" in retry.output, retry.output
    assert graph_store.quarantined() == []


def test_arxiv_api_papers_load_with_authors_and_errors_are_quarantined(graph_store, extractor):
    from ingest.sources.arxiv_api import ArxivAPI
    from recorded import FakeSleep, RecordedTransport
    rec = RecordedTransport.from_files((FIXTURES / "arxiv-api").glob("id_*.json"))
    sleep = FakeSleep()
    api = ArxivAPI(rec.client(), sleep=sleep, clock=sleep.clock)
    ing = Ingestor(graph_store, extractor)
    ing.ingest_stream("arxiv-api:1707.08567", api.by_ids(["1707.08567"]))
    ing.ingest_stream("arxiv-api:abc", api.by_ids(["abc"]))  # arXiv's error feed
    assert ing.report.loaded == 1 and ing.report.errors == 1
    paper = graph_store.read("MATCH (p:Paper {key: 'arxiv:1707.08567'}) "
                             "RETURN p.name AS title, p.arxiv_id AS id")
    assert paper and paper[0]["id"] == "1707.08567"
    authors = graph_store.read("MATCH (:Paper {key: 'arxiv:1707.08567'})-[r:AUTHORED_BY]->(a) "
                               "RETURN count(a) AS n")
    assert authors[0]["n"] >= 1
    [item] = graph_store.quarantined()
    assert item["id"] == "arxiv-api:abc" and item["stage"] == "fetch"
