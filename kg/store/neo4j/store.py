"""The Neo4j store, through the official driver.

Writes run in write transactions; our reads and analysts' queries in read
transactions of a READ-mode session.

What keeps an analyst's query (``read_only``: ``POST /cypher``, ``kg cypher``) from
writing or reaching past the graph. Neo4j Community has no role-based access
control — every user may write — so on Community these hold without a role:

1. ``EXPLAIN`` first: Neo4j must classify the query as read-only (type 'r');
2. the plan's operators are checked (``dialect.plan_refusal``): no LOAD CSV, no
   administration command (SHOW …, TERMINATE …), no procedure outside
   ``dialect.READ_PROCEDURES``, nothing on another database;
3. it runs in a READ-access transaction, where the server itself refuses a write
   ("Writing in read access mode not allowed");
4. the transaction has a timeout (``timeout``, the server ends it) and rows stop
   being fetched at ``limit``;
5. memory: a transaction's memory is bounded only by the server's
   ``db.memory.transaction.max`` (a neo4j.conf setting: Community cannot set it
   from a client), so set it on a server analysts can reach; the test server runs
   with 256 MiB. A query past it fails with the server's reason, the server stays up.

On Enterprise or Aura, also give analysts' queries a user that only has a
reader role: ``read_auth`` (the API reads ``NEO4J_READ_USER`` /
``NEO4J_READ_PASSWORD``) opens a second driver for them alone, so even a query
that passed 1–3 by a server bug could not write.
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
                 database: str | None = None, read_auth: tuple[str, str] | None = None):
        """``read_auth``: a user with a read-only role (Enterprise, Aura) for analysts'
        queries; without it they run as ``auth`` (see the module docstring)."""
        self.uri = uri
        self.database = database
        self._down_until = 0.0
        self._driver = self._connect(auth)
        try:
            self._read_driver = self._connect(read_auth) if read_auth else self._driver
        except BaseException:
            self._driver.close()
            raise
        self.ensure_schema()

    def _connect(self, auth: tuple[str, str] | None) -> neo4j.Driver:
        try:
            driver = GraphDatabase.driver(self.uri, auth=auth,
                                          connection_timeout=CONNECT_TIMEOUT_S)
            driver.verify_connectivity()
        except (ServiceUnavailable, AuthError, OSError, ValueError) as exc:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {exc}") from exc
        return driver

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
        return self._read(query, params, limit, timeout, analyst=True)

    def close(self) -> None:
        if self._read_driver is not self._driver:
            self._read_driver.close()
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
    def _session(self, mode: str, *, analyst: bool = False) -> neo4j.Session:
        if mode == neo4j.READ_ACCESS:
            driver = self._read_driver if analyst else self._driver
            return driver.session(database=self.database, default_access_mode=mode,
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
            with self._session(neo4j.READ_ACCESS, analyst=True) as session:
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
              timeout: float | None, *, analyst: bool = False) -> list[dict[str, Any]]:
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
            with self._session(neo4j.READ_ACCESS, analyst=analyst) as session:
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
        if "MemoryPoolOutOfMemory" in code or "MemoryLimit" in code:
            return StoreError("the query needs more memory than the server allows one "
                              f"transaction (db.memory.transaction.max): {exc.message}")
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
