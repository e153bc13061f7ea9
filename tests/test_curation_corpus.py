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
