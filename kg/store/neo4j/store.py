"""The Neo4j store, through the official driver.

Writes run in write transactions; our reads and analysts' queries in read
transactions of a READ-mode session. An analyst's query first goes through
``EXPLAIN``: Neo4j must classify it as read-only ('r') and its plan may hold no
LOAD CSV, administration command (SHOW …, TERMINATE …), procedure outside
``dialect.READ_PROCEDURES`` or operator on another database — so a write is
refused twice, before it runs and by the server.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (AuthError, ClientError, DriverError, Neo4jError,
                              ServiceUnavailable, SessionExpired)

from kg.errors import (QueryRefused, QueryTimeout, ReadOnlyViolation, StoreError,
                       StoreUnavailable)
from kg.store import provenance as prov
from kg.store.base import GraphStore
from kg.store.neo4j import dialect


# A server that does not answer is reported within seconds, not after the driver's
# 30 s of retries: TCP connect bounded, reads retried for one second only (writes
# keep the driver's default retries), and for a short while after a failure every
# call fails at once (a circuit breaker) instead of waiting again.
CONNECT_TIMEOUT_S = 2.0
READ_RETRY_S = 1.0
BREAKER_S = 2.0


class Neo4jStore(GraphStore):
    backend = "neo4j"
    fragments = dialect.FRAGMENTS

    def __init__(self, uri: str, *, auth: tuple[str, str] | None = None,
                 database: str | None = None):
        self.uri = uri
        self.database = database
        self._down_until = 0.0
        try:
            self._driver = GraphDatabase.driver(uri, auth=auth,
                                                connection_timeout=CONNECT_TIMEOUT_S)
            self._driver.verify_connectivity()
        except (ServiceUnavailable, AuthError, OSError, ValueError) as exc:
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {exc}") from exc
        self.ensure_schema()

    # -- primitives ----------------------------------------------------------------
    def ensure_schema(self) -> None:
        with self._session(neo4j.WRITE_ACCESS) as session:
            for statement in dialect.schema_statements():
                session.run(statement).consume()
            session.run("CALL db.awaitIndexes(300)").consume()

    def write(self, query: str, params: dict | None = None) -> None:
        self._check_breaker()
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.execute_write(lambda tx: tx.run(query, params or {}).consume())
        except Neo4jError as exc:
            raise StoreError(f"Neo4j write failed: {exc}") from exc
        except DriverError as exc:
            raise self._unavailable(exc) from exc

    def read(self, query: str, params: dict | None = None, *,
             timeout: float | None = None) -> list[dict[str, Any]]:
        return self._read(query, params, None, timeout)

    def _read_only(self, query: str, params: dict, *, timeout: float,
                   limit: int) -> list[dict[str, Any]]:
        self._refuse_writes(query, params)
        return self._read(query, params, limit, timeout)

    def close(self) -> None:
        self._driver.close()

    def fulltext_query(self, text: str) -> str:
        return dialect.fulltext_query(text)

    @contextlib.contextmanager
    def _ingest_lock(self) -> Iterator[None]:
        """An open transaction holding the IngestLock key's uniqueness lock (the node
        is created and deleted in it, so nothing is ever stored); a second holder
        waits. The server rolls it back, releasing the lock, if this process dies."""
        self._check_breaker()
        try:
            session = self._driver.session(database=self.database,
                                           default_access_mode=neo4j.WRITE_ACCESS)
            tx = session.begin_transaction()
            tx.run(prov.INGEST_LOCK).consume()
        except Neo4jError as exc:
            raise StoreError(f"Neo4j ingest lock failed: {exc}") from exc
        except DriverError as exc:
            raise self._unavailable(exc) from exc
        try:
            yield
        finally:
            try:
                tx.rollback()  # nothing to keep: ending the transaction frees the lock
            except (Neo4jError, DriverError):
                pass  # a lost connection ends it on the server too
            session.close()

    def clear(self) -> None:
        # batched so a large benchmark graph does not need one huge transaction
        with self._session(neo4j.WRITE_ACCESS) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } "
                        "IN TRANSACTIONS OF 10000 ROWS").consume()

    # -- internals -----------------------------------------------------------------
    def _session(self, mode: str) -> neo4j.Session:
        if mode == neo4j.READ_ACCESS:
            return self._driver.session(database=self.database, default_access_mode=mode,
                                        max_transaction_retry_time=READ_RETRY_S,
                                        initial_retry_delay=0.2,
                                        connection_acquisition_timeout=CONNECT_TIMEOUT_S)
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _check_breaker(self) -> None:
        if time.monotonic() < self._down_until:
            raise StoreUnavailable(f"Neo4j at {self.uri} did not answer moments ago; "
                                   f"trying again within {BREAKER_S:g}s")

    def _unavailable(self, exc: DriverError) -> StoreError:
        """A lost server opens the breaker; other driver errors stay store errors."""
        if isinstance(exc, (ServiceUnavailable, SessionExpired)):
            self._down_until = time.monotonic() + BREAKER_S
            return StoreUnavailable(f"Neo4j at {self.uri} is not reachable: {exc}")
        return StoreError(f"Neo4j driver error: {exc}")

    def _refuse_writes(self, query: str, params: dict | None) -> None:
        """EXPLAIN plans without running: the query type must be read-only ('r') and
        the plan's operators pass ``dialect.plan_refusal``."""
        self._check_breaker()
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                summary = session.run(f"EXPLAIN {query}", params or {}).consume()
        except Neo4jError as exc:
            raise self._translate(exc) from exc
        except DriverError as exc:
            raise self._unavailable(exc) from exc
        if summary.query_type != "r":
            raise ReadOnlyViolation(
                f"this endpoint is read-only: the query is of type {summary.query_type!r} "
                "(writes, schema or system commands)")
        if not summary.plan:  # nothing to check is not the same as nothing found
            raise QueryRefused("this endpoint cannot check the query: Neo4j gave no plan")
        reason = dialect.plan_refusal(summary.plan, summary.database or self.database or "")
        if reason:
            raise QueryRefused(f"this endpoint only reads the graph; the query uses {reason}")

    def _read(self, query: str, params: dict | None, limit: int | None,
              timeout: float | None) -> list[dict[str, Any]]:
        @neo4j.unit_of_work(timeout=timeout)  # the server ends the transaction past it
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            result = tx.run(query, params or {})
            rows = []
            for record in result:
                if limit is not None and len(rows) >= limit:
                    break
                rows.append({k: _plain(v) for k, v in record.items()})
            result.consume()
            return rows
        self._check_breaker()
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(work)
        except Neo4jError as exc:
            raise self._translate(exc) from exc
        except DriverError as exc:
            raise self._unavailable(exc) from exc

    @staticmethod
    def _translate(exc: Neo4jError) -> Exception:
        code = exc.code or ""
        if "AdministrationCommand" in code or "NotSystemDatabase" in code:
            return QueryRefused(f"this endpoint only reads the graph: {exc.message}")
        if "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code or "Forbidden" in code:
            return ReadOnlyViolation(f"this endpoint is read-only: {exc.message}")
        if "TransactionTimedOut" in code or "Terminated" in code:
            return QueryTimeout(f"query exceeded its time limit: {exc.message}")
        if isinstance(exc, ClientError):
            return StoreError(f"Neo4j refused the query: {exc.message}")
        return StoreError(f"Neo4j failed: {exc}")


def _plain(value: Any) -> Any:
    """Driver graph objects → plain values, matching the embedded store's rows."""
    if isinstance(value, neo4j.graph.Node):
        return dict(value)
    if isinstance(value, neo4j.graph.Relationship):
        return dict(value)
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [dict(n) for n in value.nodes],
                "relationships": [r.type for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
