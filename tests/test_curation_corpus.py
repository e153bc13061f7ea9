"""Merge and split on real corpus entities (the seed newsletter issue, the real
extractor), on both stores: the curations hold when the issue is read again as
changed documents (every fact retracted and extracted anew) — and undo restores."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from ingest.sources import read_path
from kg.curation import Curator

SEED = Path(__file__).parent / "fixtures" / "newsletters" / "seed-issue.txt"


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _keys(store, name):
    return [(r["label"], r["key"]) for r in store.run_query("resolve", {"name": name})]


def _reread(store, extractor, edition: str):
    """The issue again with every item changed, so each is retracted and re-extracted."""
    docs = [replace(d, text=d.text + f"\n({edition})") for d in read_path(str(SEED))]
    report = Ingestor(store, extractor).ingest_documents(docs)
    assert report.replaced == len(docs) and report.errors == 0


def test_merge_and_split_on_the_seed_issue_hold_through_reextraction(graph_store, extractor):
    Ingestor(graph_store, extractor).ingest_paths([str(SEED)])
    assert _keys(graph_store, "SAIL") == [("Organization", "stanfordailab")]
    assert _keys(graph_store, "X Corp.") == [("Organization", "twitter")]
    c = Curator(graph_store)
    merge = c.merge("Stanford AI Lab", "Stanford", reason="one organization here", author="ana")
    split = c.split("X Corp.", "Twitter", reason="X Corp. is the company", author="ana")
    assert _keys(graph_store, "SAIL") == [("Organization", "stanford")]
    assert _keys(graph_store, "X Corp.") == [("Organization", "xcorp")]

    _reread(graph_store, extractor, "second edition")
    # the extractor wrote Stanford AI Lab and Twitter's alias again; curation won
    assert _keys(graph_store, "Stanford AI Lab") == [("Organization", "stanford")]
    assert graph_store.read("MATCH (n:Organization {key: 'stanfordailab'}) RETURN n.key AS k") \
        == []
    assert _keys(graph_store, "X Corp.") == [("Organization", "xcorp")]
    twitter = graph_store.read("MATCH (n:Organization {key: 'twitter'}) RETURN n.aliases AS a")
    assert "X Corp." not in twitter[0]["a"]
    stanford = graph_store.read("MATCH (n:Organization {key: 'stanford'}) RETURN n.aliases AS a")
    assert {"Stanford AI Lab", "SAIL"} <= set(stanford[0]["a"])

    c.undo(split["id"], author="ana")
    c.undo(merge["id"], author="ana")
    assert _keys(graph_store, "X Corp.") == [("Organization", "twitter")]
    assert _keys(graph_store, "SAIL") == [("Organization", "stanfordailab")]
    assert graph_store.read("MATCH (n:Organization {key: 'xcorp'}) RETURN n.key AS k") == []


def test_a_rejection_holds_through_a_weekly_run_that_reloads_its_source(graph_store, extractor):
    from datetime import date

    from test_weekly import _run, _transport
    rec = _transport(("2026-11-22", "2026-11-29"), ("2026-11-29", "2026-12-06"))
    assert _run(graph_store, rec, date(2026, 11, 29), extractor).status == "succeeded"
    c = Curator(graph_store)
    fact = c.fact("1412.8323", "AUTHORED_BY", "Philipp A Hoehn", existing=True)
    c.reject(fact, reason="test: not the author", author="ana")
    assert graph_store.run_query("authors", {"name": "1412.8323"}) == []
    # the paper's record is dropped and harvested again by the next weekly run: the
    # relation is made anew by the extractor, and the rejection is applied again
    source = c._fact_props(fact)["sources"][0]
    graph_store.retract_source(source, delete_source=True)
    assert c._fact_props(fact) is None
    second = _run(graph_store, rec, date(2026, 12, 6), extractor)
    assert second.status == "succeeded" and second.report.loaded == 1
    props = c._fact_props(fact)
    assert props["rejected"] is True and props["support"] == 1
    assert graph_store.run_query("authors", {"name": "1412.8323"}) == []
    rows = graph_store.run_query("authors", {"name": "1412.8323", "include_rejected": True})
    assert [r["author"] for r in rows] == ["Philipp A Hoehn"]
