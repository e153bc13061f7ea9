"""The embedded store: FalkorDB started by mlkg from pip-installed binaries."""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path

from kg.errors import (QueryRefused, QueryTimeout, ReadOnlyViolation, StoreError,
                       StoreUnavailable)
from kg.store.base import GraphStore
from kg.store.embedded import dialect
from kg.store.embedded.lease import ServerLock
from kg.store.embedded.server import LIVE_CHECK_S, LIVE_TAIL_BYTES, EmbeddedServer

GRAPH_NAME = "mlkg"
INGEST_LOCK_NAME = "ingest.lock"
# FalkorDB's per-query memory cap (GRAPH.CONFIG QUERY_MEM_CAPACITY; 0, its default,
# is unlimited). A query past it fails at once instead of growing the server — and,
# through its reply, this process — by gigabytes; our own batched writes and paged
# reads stay far below it.
QUERY_MEMORY_BYTES = 512 * 1024 * 1024


class EmbeddedStore(GraphStore):
    backend = "embedded"
    fragments = dialect.FRAGMENTS

    def __init__(self, data_dir: str | os.PathLike, *, graph: str = GRAPH_NAME,
                 linger: float = 0.0):
        """``linger``: seconds the server stays up once nobody uses it (0: stops as
        the last process leaves)."""
        self.server = EmbeddedServer(data_dir, linger=linger)
        self._compact_checked = time.monotonic()
        self._graph_name = graph
        self.server.ensure_running()
        try:
            self._connect()
        except redis.exceptions.RedisError as exc:
            self.server.release()
            raise StoreUnavailable(f"cannot connect to FalkorDB: {exc}") from exc
        except BaseException:
            self.server.release()
            raise

    def _connect(self) -> None:
        # No socket timeout: a long batched write must not be cut off by the client.
        self._db = FalkorDB(unix_socket_path=str(self.server.socket_path), socket_timeout=None)
        self._graph = self._db.select_graph(self._graph_name)
        # set on every connect: a server started by another process is reused
        self._db.connection.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY",
                                            QUERY_MEMORY_BYTES)
        self._indexes_ready = False  # a server just started may still be building them
        self.ensure_schema()

    def _call(self, method: str, *args, **kwargs):
        """``self._graph.<method>(…)``; if the server went away under this live client
        (killed, out of memory), start it again from its data directory — what it
        acknowledged is in the append-only file — reconnect and call once more, so a
        long-running ``kg serve`` recovers by itself. (Writes are MERGEs: a second
        run is safe.)"""
        try:
            return getattr(self._graph, method)(*args, **kwargs)
        except redis.exceptions.ConnectionError as exc:
            try:
                self.server.ensure_running()
                self._connect()
            except (redis.exceptions.RedisError, StoreError) as again:
                raise StoreUnavailable(f"FalkorDB is gone and did not come back: {again}") from exc
        return getattr(self._graph, method)(*args, **kwargs)

    # -- primitives ----------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create what is missing. FalkorDB logs each constraint twice in the AOF and
        replaying them logs them again (with a CRITICAL "Constraint already exists"
        line per copy), so a store whose schema was just created has its AOF
        rewritten at once: from then on the schema lives in the snapshot.

        Under the directory's server lock: processes opening a fresh store together
        would otherwise both see an index missing and the second creation fail
        ("Attribute 'name' is already indexed")."""
        with ServerLock(self.server.data_dir):
            self._create_schema()

    def _create_schema(self) -> None:
        self._graph.query("RETURN 1")  # creates the graph key on a fresh store
        existing = self._existing_indexes()
        created = False
        for lab, prop in dialect.RANGE_INDEXES:
            if (lab, prop, "RANGE") not in existing:
                self._graph.create_node_range_index(lab, prop)
                created = True
        lab, props = dialect.FULLTEXT
        if not all((lab, p, "FULLTEXT") in existing for p in props):
            self._graph.create_node_fulltext_index(lab, *props)
            created = True
        have = {(c["label"], tuple(c["properties"])) for c in self._constraints()}
        for lab, prop in dialect.UNIQUE:
            if (lab, (prop,)) not in have:
                created = True
                try:
                    self._graph.create_node_unique_constraint(lab, prop)
                except redis.exceptions.ResponseError as exc:
                    if "already exists" not in str(exc):
                        raise StoreError(f"constraint {lab}.{prop}: {exc}") from exc
        if created:
            self._wait_for_constraints()
            self.server.compact()

    def _wait_for_constraints(self, timeout: float = 30.0) -> None:
        """Constraints are built in the background; the snapshot must hold them built."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(c.get("status") == "OPERATIONAL" for c in self._constraints()):
                return
            time.sleep(0.01)

    def _await_indexes(self, labels: set[str] | None = None) -> None:
        """Wait until every index is built (with ``labels``: those labels' indexes).

        The server builds its indexes in the background after loading
        (``server.MODULE_ARGS``). Until a label's index is built, a query that would
        look a node up in it scans the label instead: the same rows, found more
        slowly — fine once, ruinous once per row. A full-text query finds nothing.
        A write would MERGE by scanning and check its unique constraints against a
        half-built index. So writes wait for every index; a read waits for the
        full-text index if it searches it and for the labels its plan scans per row
        (``_await_indexes_for``); other reads run at once. Once all are built, this
        process does not ask again (until it reconnects)."""
        if self._indexes_ready:
            return
        deadline = time.monotonic() + self.server.load_timeout
        while True:
            building = self._building()
            waiting = building if labels is None else building & labels
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise StoreUnavailable(f"FalkorDB still building the indexes of "
                                       f"{', '.join(sorted(waiting))} after "
                                       f"{self.server.load_timeout}s")
            time.sleep(0.02)

    def _building(self) -> set[str]:
        """Labels whose index the server is still building."""
        try:
            rows = self._call("ro_query", "CALL db.indexes() YIELD label, status "
                                          "RETURN label, status").result_set
        except redis.exceptions.RedisError as exc:
            raise _translate(exc, None) from exc
        building = {lab for lab, status in rows if status != "OPERATIONAL"}
        self._indexes_ready = not building
        return building

    def _await_indexes_for(self, query: str, params: dict | None) -> None:
        """Before a read while indexes are being built: wait for those it cannot do
        without (see ``_await_indexes``)."""
        building = self._building()
        if not building:
            return
        needed = set()
        if "db.idx.fulltext" in query:  # finds nothing until its index is built
            needed.add(dialect.FULLTEXT[0])
        try:
            plan = self._call("explain", query, params)
        except redis.exceptions.RedisError:
            plan = None  # the query itself will fail and say why
        if plan is not None:
            needed |= dialect.rescanned_labels(plan.structured_plan)
        if needed & building:
            self._await_indexes(needed)

    def write(self, query: str, params: dict | None = None) -> None:
        self._await_indexes()
        try:
            self._call("query", query, params)
        except redis.exceptions.RedisError as exc:
            raise StoreError(f"FalkorDB write failed: {exc}") from exc
        now = time.monotonic()
        if now - self._compact_checked > LIVE_CHECK_S:  # bound the AOF tail
            self._compact_checked = now
            self.server.compact(LIVE_TAIL_BYTES, wait=False)

    def read(self, query: str, params: dict | None = None, *,
             timeout: float | None = None) -> list[dict[str, Any]]:
        return self._ro(query, params, timeout, None)

    def _read_only(self, query: str, params: dict, *, timeout: float,
                   limit: int) -> list[dict[str, Any]]:
        self._refuse_by_plan(query, params)
        return self._ro(query, params, timeout, limit)

    def close(self) -> None:
        """Close the connection and give up this process's lease on the server (the
        last process to leave stops it). Safe to call twice."""
        try:
            self._db.connection.close()
        except Exception:  # closing must never mask the caller's error
            pass
        self.server.release()

    def fulltext_query(self, text: str) -> str:
        return dialect.fulltext_query(text)

    def _read_rendered(self, text: str, params: dict) -> list[dict]:
        bound = dialect.deepening_bound(text)
        if bound is None or dialect.PATH_LENGTH_PARAM in params:
            return self.read(text, params)
        for length in range(1, bound + 1):      # iterative deepening: the shortest answer first
            rows = self.read(text, {**params, dialect.PATH_LENGTH_PARAM: length})
            if rows:
                return rows
        return []

    @contextlib.contextmanager
    def _ingest_lock(self) -> Iterator[None]:
        """flock on a file beside the data: the kernel releases it if the holder dies."""
        fd = os.open(self.server.data_dir / INGEST_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def stop_server(self) -> None:
        """Leave the store: the server stops if no other process holds it."""
        self.close()

    # -- internals -----------------------------------------------------------------
    def _refuse_by_plan(self, query: str, params: dict) -> None:
        """GRAPH.EXPLAIN plans without running; its operators pass ``plan_refusal``."""
        try:
            plan = self._call("explain", query, params)
        except redis.exceptions.RedisError as exc:
            raise _translate(exc, None) from exc
        reason = dialect.plan_refusal(plan.structured_plan)
        if reason:
            raise QueryRefused(f"this endpoint only reads the graph; the query uses {reason}")

    def _ro(self, query: str, params: dict | None, timeout: float | None,
            limit: int | None) -> list[dict[str, Any]]:
        """GRAPH.RO_QUERY: FalkorDB itself refuses any write in it."""
        if not self._indexes_ready:
            self._await_indexes_for(query, params)
        try:
            result = self._call("ro_query", query, params,
                                timeout=int(timeout * 1000) if timeout else None)
        except redis.exceptions.RedisError as exc:
            raise _translate(exc, timeout) from exc
        columns = [c[1] if isinstance(c, (list, tuple)) else c for c in result.header]
        columns = [c.decode() if isinstance(c, bytes) else str(c) for c in columns]
        rows = result.result_set if limit is None else result.result_set[:limit]
        return [{col: _plain(v) for col, v in zip(columns, row)} for row in rows]

    def _existing_indexes(self) -> set[tuple[str, str, str]]:
        found = set()
        for row in self._graph.list_indices().result_set:
            lab, props, types = row[0], row[1], row[2]
            for prop in props:
                for kind in types.get(prop, []):
                    found.add((lab, prop, kind))
        return found

    def _constraints(self) -> list[dict]:
        try:
            return self._graph.list_constraints()
        except redis.exceptions.ResponseError:
            return []


def _translate(exc: redis.exceptions.RedisError, timeout: float | None) -> StoreError:
    """A FalkorDB error as mlkg's. Some arrive inside the reply and are raised as a
    plain RedisError; planning can fail too (constants such as range() are folded
    then), so this serves GRAPH.EXPLAIN and GRAPH.RO_QUERY alike."""
    message = str(exc)
    if "read-only" in message:
        return ReadOnlyViolation("this endpoint is read-only: the query writes to the graph")
    if message.lower().startswith("query timed out"):
        return QueryTimeout(f"query exceeded {timeout}s")
    if "mem consumption exceeded" in message:
        return StoreError(f"the query needs more than {QUERY_MEMORY_BYTES >> 20} MiB of "
                          "memory; add a LIMIT or narrow the MATCH")
    return StoreError(f"FalkorDB query failed: {message}")


def _plain(value: Any) -> Any:
    """FalkorDB client objects → plain JSON-able values, as Neo4j's rows give."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value  # the common case, first: this runs for every value of every row
    if isinstance(value, Node):
        return dict(value.properties)
    if isinstance(value, Edge):
        return dict(value.properties)
    if isinstance(value, Path):
        return {"nodes": [dict(n.properties) for n in value.nodes()],
                "relationships": [e.relation for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
