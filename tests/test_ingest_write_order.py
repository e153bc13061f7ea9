"""Crash consistency by construction: a kill can land between any two statements of
a chunk's write, so every prefix of that write, followed by a re-run, must give
exactly a clean run's graph (issue 13 item 5). The kill -9 tests
(test_ingest_crash.py) hit random points; this one hits every point, on both stores.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from test_ingest_pipeline import _dump
from ingest.load import build_batch, resolve_against_graph
from ingest.pipeline import Ingestor
from ingest.sources import read_path
from kg.store.base import utc_now
from kg.store.writes import batch_statements

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus" / "arxiv-potw.jsonl"
CHUNK = 4


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


@pytest.fixture(scope="module")
def docs():
    # papers whose names recur, so a leftover of a half-written chunk can change how a
    # later name resolves (what the probe saw), not only the counts
    return list(read_path(str(CORPUS)))[:3 * CHUNK]


def _half_write(store, extractor, chunk, keep: int) -> int:
    """What a run killed after ``keep`` statements of this chunk's write leaves: the
    pipeline's own steps up to the kill. Returns how many statements the write has."""
    pairs = list(zip(chunk, extractor.extract_many(chunk)))
    with store.ingest_lock():
        store.mark_loading([d.id for d in chunk])
        batch = resolve_against_graph(build_batch(pairs), store)
        statements = list(batch_statements(batch, utc_now(), 2000))
        for query, rows in statements[:keep]:
            store.write(query, {"rows": rows})
    return len(statements)


@pytest.mark.parametrize("cut_chunk", [0, 1])
def test_every_prefix_of_a_chunk_write_converges(graph_store, extractor, docs, cut_chunk):
    Ingestor(graph_store, extractor, batch_docs=CHUNK).ingest_documents(docs)
    clean, counts = _dump(graph_store), graph_store.counts()
    before = docs[:cut_chunk * CHUNK]
    chunk = docs[cut_chunk * CHUNK:(cut_chunk + 1) * CHUNK]
    keep, total, diverged = 0, 1, []
    while keep < total:
        graph_store.clear()
        Ingestor(graph_store, extractor, batch_docs=CHUNK).ingest_documents(before)
        total = _half_write(graph_store, extractor, chunk, keep)
        Ingestor(graph_store, extractor, batch_docs=CHUNK).ingest_documents(docs)
        if graph_store.counts() != counts or _dump(graph_store) != clean:
            diverged.append((keep, graph_store.counts()))
        keep += 1
    assert total > 3  # sources, entities, aliases, relations at least
    assert not diverged, f"clean {counts}; killed after k of {total} statements: {diverged}"


def test_recovery_finds_everything_a_half_written_first_chunk_wrote(graph_store, extractor,
                                                                    docs):
    """The probe's case: a kill inside the first chunk. Recovery reaches a source's
    facts only through the source, so whatever the killed run wrote must already hang
    off a 'loading' source: after retracting the half-loaded sources of a graph that
    was empty before, only those sources may remain — at every cut."""
    chunk, keep, total, left = docs[:CHUNK], 0, 1, []
    while keep < total:
        graph_store.clear()
        total = _half_write(graph_store, extractor, chunk, keep)
        for source_id in graph_store.half_loaded():
            graph_store.retract_source(source_id)
            graph_store.mark_retracted(source_id)
        rest = graph_store.read("MATCH (n) WHERE NOT n:Source RETURN labels(n) AS l, "
                                "count(*) AS c ORDER BY c DESC")
        if rest:
            left.append((keep, rest))
        keep += 1
    assert not left, f"left behind after recovery (cut after k of {total} statements): {left}"
