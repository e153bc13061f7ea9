"""The embedded store's append-only file: an RDB snapshot plus a short tail, so a
store reopens by loading a snapshot rather than replaying its history; the schema
is created once and quietly (no CRITICAL "Constraint already exists" on reopen).
Against the real FalkorDB server."""
from __future__ import annotations

import time
from types import SimpleNamespace

from kg.models import Entity, GraphBatch, SourceDoc
from kg.schema import Label
from kg.store.embedded.server import COMPACT_TAIL_BYTES
from kg.store.embedded.store import EmbeddedStore


def _tail_bytes(data) -> int:
    return sum(p.stat().st_size for p in (data / "appendonlydir").glob("*.incr.aof"))


def _base_bytes(data) -> int:
    return sum(p.stat().st_size for p in (data / "appendonlydir").glob("*.base.rdb"))


def test_the_server_runs_with_aof_rdb_preamble_and_automatic_rewrite(tmp_path):
    store = EmbeddedStore(tmp_path / "graph")
    try:
        config = store._db.connection.config_get("*")
    finally:
        store.close()
    assert config["appendonly"] == "yes" and config["appendfsync"] == "everysec"
    assert config["aof-use-rdb-preamble"] == "yes"
    assert config["auto-aof-rewrite-percentage"] == "100"
    assert int(config["auto-aof-rewrite-min-size"]) == 4 * 1024 * 1024
    assert config["save"] == ""


def test_schema_creation_is_idempotent_quiet_and_in_the_snapshot(tmp_path):
    data = tmp_path / "graph"
    for _ in range(3):
        store = EmbeddedStore(data)
        constraints = store._constraints()
        store.close()
    assert len(constraints) == 8 and {c["status"] for c in constraints} == {"OPERATIONAL"}
    log = (data / "falkordb.log").read_text()
    assert "CRITICAL" not in log and "already exists" not in log
    tails = b"".join(p.read_bytes() for p in (data / "appendonlydir").glob("*.incr.aof"))
    assert b"GRAPH.CONSTRAINT" not in tails and b"CREATE INDEX" not in tails


def _batch(start: int, count: int) -> GraphBatch:
    return GraphBatch(
        sources=[SourceDoc(f"doc-{i}", "newsletter", None, None, f"h{i}")
                 for i in range(start, start + count)],
        entities=[Entity(Label.LIBRARY, f"Library {i}", aliases=[f"lib{i}"])
                  for i in range(start, start + count)])


def test_a_long_tail_is_compacted_when_the_last_process_leaves(tmp_path):
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    for start in range(0, 6000, 1000):
        store.upsert(_batch(start, 1000))
    assert _tail_bytes(data) > COMPACT_TAIL_BYTES  # a history of logged queries
    nodes = store.counts()
    store.close()
    assert _tail_bytes(data) < 4096 and _base_bytes(data) > 100_000  # now a snapshot
    started = time.perf_counter()
    store = EmbeddedStore(data)
    try:
        assert time.perf_counter() - started < 2.0
        assert store.counts() == nodes
        assert store.run_query("search", {"q": "Library 5999"})[0]["name"] == "Library 5999"
    finally:
        store.close()


def test_a_short_tail_is_left_alone(tmp_path):
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    store.upsert(_batch(0, 10))
    tail = _tail_bytes(data)
    store.close()
    assert 0 < tail <= COMPACT_TAIL_BYTES and _tail_bytes(data) == tail


def test_a_writer_keeps_the_tail_bounded_while_the_store_stays_open(tmp_path, monkeypatch):
    import kg.store.embedded.store as embedded
    monkeypatch.setattr(embedded, "LIVE_CHECK_S", 0.0)
    monkeypatch.setattr(embedded, "LIVE_TAIL_BYTES", 64 * 1024)
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    try:
        for start in range(0, 3000, 500):
            store.upsert(_batch(start, 500))
        deadline = time.monotonic() + 30
        while _base_bytes(data) < 100_000 and time.monotonic() < deadline:
            time.sleep(0.05)  # the rewrite runs in the background
        # rewritten while the store is open (otherwise the snapshot stays the schema's
        # ~1.4 KB until the last process leaves)
        assert _base_bytes(data) > 100_000
    finally:
        store.close()


def test_the_server_builds_its_indexes_in_the_background_after_loading(tmp_path):
    """FalkorDB keeps no index in its snapshot; with DELAY_INDEXING the server
    answers once the graph is decoded and builds them afterwards (issue 8: two
    thirds of opening a large store was that build)."""
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    store.upsert(_batch(0, 50))
    store.server.compact()
    store.close()
    store = EmbeddedStore(data)
    try:
        setting = store._db.connection.execute_command("GRAPH.CONFIG", "GET", "DELAY_INDEXING")
        assert setting[1] in (1, b"1", "1", True, b"yes", "yes")
        assert store.run_query("search", {"q": "Library 42"})[0]["name"] == "Library 42"
    finally:
        store.close()
    assert "Indexes are constructed in the background" in (data / "falkordb.log").read_text()


def _indexes_building_for(store, label: str, polls: int) -> list[str]:
    """Make ``store`` see ``label``'s index as still being built for its next
    ``polls`` looks at ``db.indexes()``; returns the log of what each look saw."""
    seen: list[str] = []
    real = store._call

    def call(method, query, *args, **kwargs):
        result = real(method, query, *args, **kwargs)
        if "db.indexes()" in query:
            building = len(seen) < polls
            seen.append("building" if building else "built")
            if building:
                rows = [[lab, status] for lab, status in result.result_set if lab != label]
                return SimpleNamespace(result_set=rows + [[label, "UNDER CONSTRUCTION"]])
        return result

    store._call = call
    store._indexes_ready = False
    return seen


def test_full_text_reads_and_writes_wait_for_indexes_still_being_built(tmp_path):
    """While the server builds an index, a read that would use a range index scans
    instead (same rows: no wait), a full-text query would find nothing (it waits for
    the full-text index) and a write waits for every index."""
    store = EmbeddedStore(tmp_path / "graph")
    try:
        store.upsert(_batch(0, 20))
        seen = _indexes_building_for(store, "Entity", polls=3)
        assert store.run_query("resolve", {"name": "lib7"})[0]["name"] == "Library 7"
        assert seen == ["building"]  # looked once; an alias lookup does not wait
        seen.clear()
        assert store.run_query("search", {"q": "Library 7"})[0]["name"] == "Library 7"
        assert seen == ["building"] * 3 + ["built"]
        assert store._indexes_ready  # all built: never asked again
        store.run_query("search", {"q": "Library 8"})
        assert len(seen) == 4

        seen = _indexes_building_for(store, "Alias", polls=2)
        assert store.run_query("search", {"q": "Library 9"})[0]["name"] == "Library 9"
        assert seen == ["building"]  # Alias's index is being built, the full-text one is not
        store.upsert(_batch(20, 1))
        assert seen == ["building", "building", "built"]  # the write waited for Alias's
        assert store.run_query("resolve", {"name": "lib20"})[0]["name"] == "Library 20"
    finally:
        store.close()


def test_a_read_that_scans_a_label_once_per_row_waits_for_its_index(tmp_path):
    """Until a label's index is built, ``UNWIND $ids AS id MATCH (n:L {id: id})``
    scans L once per id (100 k sources x 200 ids per ingest chunk); such a read waits
    for L's index, a single lookup does not. (Quarantined has no index at all, so
    its plans show the scans a label still being indexed gets.)"""
    from kg.store.embedded import dialect
    store = EmbeddedStore(tmp_path / "graph")
    try:
        per_row = "UNWIND $ids AS id MATCH (q:Quarantined {id: id}) RETURN q.id AS id"
        once = "MATCH (q:Quarantined {id: $id}) RETURN q.id AS id"
        assert dialect.rescanned_labels(
            store._graph.explain(per_row, {"ids": ["a"]}).structured_plan) == {"Quarantined"}
        assert dialect.rescanned_labels(
            store._graph.explain(once, {"id": "a"}).structured_plan) == set()
        seen = _indexes_building_for(store, "Quarantined", polls=2)
        assert store.read(once, {"id": "a"}) == [] and seen == ["building"]
        seen.clear()
        assert store.read(per_row, {"ids": ["a"]}) == []
        assert seen == ["building", "building", "built"]
    finally:
        store.close()


def test_shortest_path_search_is_rendered_for_deepening():
    # FalkorDB's algo.SPpaths searches every path up to maxLen; the store asks with
    # $path_length 1, 2, … and stops at the first answer. The rendered text keeps its
    # bound, so the same query run as written with $path_length null searches to it (run so in
    # tests/contract/test_store_contract.py).
    from kg.store.embedded import dialect
    from queries import get
    text = get("path").render(dialect.FRAGMENTS)
    assert dialect.deepening_bound(text) == 6
    assert "coalesce($path_length, 6)" in text
    assert dialect.deepening_bound(get("neighbors").render(dialect.FRAGMENTS)) is None
