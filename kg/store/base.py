"""The ``GraphStore`` interface: everything the backends share.

A backend implements four primitives — run a write, run a read, run an
analyst's read-only query, and create its schema — plus its dialect fragments.
Upserts, named queries, stats and parameter handling live here, once.
"""
from __future__ import annotations

import abc
import contextlib
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, Callable

import queries as named_queries
from kg.errors import QueryError
from kg.identifiers import search_params
from kg.keys import clean_identifier, normalize_name, storable_text
from kg.models import GraphBatch
from kg.schema import INGEST_RUN_LABEL, Label, RelType
from kg.schema import label as check_label, rel_type as check_rel_type
from kg.store import provenance as prov
from kg.store.writes import batch_statements

DEFAULT_ROW_LIMIT = 1000
DEFAULT_TIMEOUT_S = 10.0


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class GraphStore(abc.ABC):
    """A graph database holding mlkg's graph."""

    #: backend name, e.g. "embedded" or "neo4j"
    backend: str = ""
    #: dialect fragment builders for named-query placeholders
    fragments: dict[str, Callable[..., str]] = {}

    # -- primitives each backend implements --------------------------------------
    @abc.abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints and indexes, idempotently."""

    @abc.abstractmethod
    def write(self, query: str, params: dict | None = None) -> None:
        """Run one write statement in its own transaction."""

    @abc.abstractmethod
    def read(self, query: str, params: dict | None = None, *,
             timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a read query (our own Cypher) and return rows as dicts."""

    @abc.abstractmethod
    def _read_only(self, query: str, params: dict, *, timeout: float,
                   limit: int) -> list[dict[str, Any]]:
        """Run untrusted Cypher so that the database itself refuses any write."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def fulltext_query(self, text: str) -> str:
        """The backend's full-text query string for what a user typed."""
        raise NotImplementedError

    # -- shared behaviour ---------------------------------------------------------
    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read_only(self, query: str, params: dict | None = None, *,
                  timeout: float = DEFAULT_TIMEOUT_S,
                  limit: int = DEFAULT_ROW_LIMIT) -> list[dict[str, Any]]:
        """Run an analyst's Cypher read-only: raise ReadOnlyViolation on a write,
        QueryTimeout past ``timeout``, QueryError on parameters no database takes."""
        params = dict(params or {})
        _check_params(params)
        return self._read_only(query, params, timeout=timeout, limit=limit)

    def upsert(self, batch: GraphBatch, *, seen: str | None = None,
               batch_size: int = 2000) -> None:
        """Write a batch idempotently (see ``kg.store.writes``)."""
        seen = seen or utc_now()
        for query, rows in batch_statements(batch, seen, batch_size):
            self.write(query, {"rows": rows})

    def run_query(self, name: str, params: dict[str, Any] | None = None) -> list[dict]:
        """Run a named query from ``queries/`` with user parameters."""
        query = named_queries.get(name)
        given = dict(params or {})
        missing = [p for p in query.params if given.get(p) in (None, "")]
        if missing:
            raise QueryError(f"query {name!r} needs parameter(s): {', '.join(missing)}")
        unknown = set(given) - set(query.params) - set(query.optional)
        if unknown:
            raise QueryError(f"query {name!r} has no parameter(s): {', '.join(sorted(unknown))}")
        for key, default in query.optional.items():
            if given.get(key) in (None, ""):
                given[key] = default
            if default.lstrip("-").isdigit():  # an integer parameter, e.g. limit
                given[key] = _coerce(name, key, given[key])
            elif default in ("true", "false"):  # a flag, e.g. include_rejected
                given[key] = _flag(name, key, given[key])
        final = dict(given)
        for key, value in given.items():
            if isinstance(value, str):
                final[f"{key}_key"] = normalize_name(value)
        if "q" in given:
            final.update(search_params(str(given["q"])))
            final["q_fulltext"] = self.fulltext_query(str(given["q"]))
            if not final["q_fulltext"]:  # only punctuation: no full-text query can match
                return []
        return self._read_rendered(query.render(self.fragments), final)

    def _read_rendered(self, text: str, params: dict) -> list[dict]:
        """Run a rendered named query (a backend may run it its own way: FalkorDB deepens
        shortest-path searches)."""
        return self.read(text, params)

    def stats(self) -> dict[str, dict[str, int]]:
        """Node counts per schema label and edge counts per relation type."""
        labels = {str(lab): self.read(f"MATCH (n:{check_label(lab)}) RETURN count(n) AS c")[0]["c"]
                  for lab in Label}
        rels = {str(rt): self.read(f"MATCH ()-[r:{check_rel_type(rt)}]->() RETURN count(r) AS c")[0]["c"]
                for rt in RelType}
        extra = {name: self.read(f"MATCH (n:{name}) RETURN count(n) AS c")[0]["c"]
                 for name in ("Source",)}
        return {"labels": labels, "relations": rels, "provenance": extra}

    def counts(self) -> tuple[int, int]:
        """Total nodes and edges (for idempotency checks). IngestRun records are
        the runs' history, not the graph: every ``kg ingest`` adds one."""
        nodes = self.read(f"MATCH (n) WHERE NOT n:{INGEST_RUN_LABEL} "
                          "RETURN count(n) AS c")[0]["c"]
        edges = self.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
        return nodes, edges

    # -- ingest bookkeeping (see kg.store.provenance) -------------------------------
    def source_state(self, ids: list[str]) -> dict[str, dict]:
        """``{id: {content_hash, extractor_version, status}}`` for known sources."""
        rows = self.read(prov.SOURCE_STATE, {"ids": [clean_identifier(i) for i in ids]}) \
            if ids else []
        return {r["id"]: r for r in rows}

    def half_loaded(self) -> list[str]:
        """Ids of sources marked 'loading': a load that did not finish."""
        return [r["id"] for r in self.read(prov.HALF_LOADED)]

    def mark_retracted(self, source_id: str) -> None:
        """A half-load whose facts were retracted: not 'loading' any more, not 'done'."""
        self.write(prov.MARK_RETRACTED, {"id": clean_identifier(source_id)})

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Hold the store's ingest lock (one writer at a time, across processes)."""
        with self._ingest_lock():
            yield

    @abc.abstractmethod
    def _ingest_lock(self) -> contextlib.AbstractContextManager:
        """The backend's cross-process lock; released if the holder dies."""

    def mark_loading(self, ids: list[str], *, seen: str | None = None) -> None:
        seen = seen or utc_now()
        self.write(prov.MARK_LOADING, {"rows": [{"id": clean_identifier(i), "seen": seen}
                                                for i in ids]})

    def mark_done(self, rows: list[dict]) -> None:
        """rows: ``{id, content_hash, extractor_version}``."""
        self.write(prov.MARK_DONE, {"rows": [r | {"id": clean_identifier(r["id"])}
                                             for r in rows]})

    def retract_source(self, source_id: str, *, delete_source: bool = False) -> None:
        """Remove every fact that came only from this source (re-ingest of a
        changed document, a newer extractor, or a half-finished load)."""
        source_id = clean_identifier(source_id)
        for statement in (prov.RETRACT_RELATIONS, prov.DELETE_UNSUPPORTED, prov.RETRACT_MENTIONS):
            self.write(statement, {"id": source_id})
        if delete_source:
            self.write(prov.DELETE_SOURCE, {"id": source_id})

    def start_run(self, run_id: str, job: str, params: str, started: str) -> None:
        self.write(prov.RUN_START, {"id": run_id, "job": job, "params": params,
                                    "started": started})

    def finish_run(self, run_id: str, fields: dict) -> None:
        self.write(prov.RUN_FINISH, {"id": run_id, "fields": fields})

    def last_successful_run(self, job: str) -> dict | None:
        rows = self.read(prov.LAST_SUCCESS, {"job": job})
        return rows[0] if rows else None

    def runs(self, limit: int = 20) -> list[dict]:
        return [r["run"] for r in self.read(prov.RUNS, {"limit": limit})]

    def quarantine(self, item_id: str, *, origin: str, reason: str, stage: str,
                   payload: str = "", at: str | None = None,
                   refetch: str | None = None) -> None:
        """``refetch``: the path or URL the operator gave that retry may read again;
        None for documents that arrived as data (a request, a stream)."""
        # not a constrained key, but it must be encodable (no lone surrogates)
        self.write(prov.QUARANTINE_PUT, {"id": clean_identifier(item_id),
                                         "origin": clean_identifier(origin, bounded=False),
                                         "reason": storable_text(reason), "stage": stage,
                                         "payload": storable_text(payload),
                                         "refetch": refetch, "at": at or utc_now()})

    def quarantined(self) -> list[dict]:
        return self.read(prov.QUARANTINE_LIST)

    def release(self, item_id: str) -> None:
        self.write(prov.QUARANTINE_CLEAR, {"id": item_id})

    def clear(self) -> None:
        """Delete every node and edge (tests and benchmarks only)."""
        self.write("MATCH (n) DETACH DELETE n")


_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _check_params(value: Any, path: str = "") -> None:
    """Parameters both databases accept: identifier names, non-empty map keys,
    64-bit integers (the drivers crash on anything else rather than refuse it)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise QueryError(f"parameter {path or 'map'} has an empty or non-text key")
            if not path and not _PARAM_NAME.match(key):
                raise QueryError(f"parameter name {key!r} is not an identifier "
                                 "(letters, digits and _)")
            _check_params(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            _check_params(item, path)
    elif isinstance(value, int) and not isinstance(value, bool):
        if not _INT64[0] <= value <= _INT64[1]:
            raise QueryError(f"parameter {path} is outside the 64-bit integer range")


def _flag(query: str, key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise QueryError(f"query {query!r}: parameter {key!r} must be true or false, got {value!r}")


def _coerce(query: str, key: str, value: Any) -> Any:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, int):
        return value
    raise QueryError(f"query {query!r}: parameter {key!r} must be an integer, got {value!r}")
