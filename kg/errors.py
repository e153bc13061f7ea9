"""mlkg's one exception tree. Lower-level errors (redis, neo4j, httpx, spaCy) are
translated at the boundary with ``raise ... from exc`` so callers catch only these.

    MlkgError
    ├── SchemaError          a label, relation type or endpoint pair outside SCHEMA.md
    ├── ConfigError          a bad --store value, a missing credential or setting
    │   └── StoreNotFound    no embedded store in the directory a reading command named
    ├── StoreError           the database failed
    │   ├── StoreUnavailable the database could not be reached or started
    │   ├── ReadOnlyViolation a write was attempted through a read-only path
    │   │   └── QueryRefused  a clause, procedure or database the read-only path refuses
    │   └── QueryTimeout     a query ran past its time limit
    ├── QueryError           an unknown named query or a missing/invalid parameter
    │   └── UnknownName      a parameter names no entity (carries close-name suggestions)
    ├── CurationError        a curation that cannot be made or undone
    │   └── NameNotResolved  a name that is unknown or ambiguous (with the candidates)
    ├── SourceError          a source (file, URL, feed, API) could not be read
    │   └── MalformedDocument a document cannot be parsed; it is quarantined
    └── ExtractionError      the extraction pipeline failed on a document
"""
from __future__ import annotations


class MlkgError(Exception):
    """Base of every error mlkg raises on purpose."""


class SchemaError(MlkgError, ValueError):
    pass


class ConfigError(MlkgError):
    pass


class StoreNotFound(ConfigError):
    pass


class StoreError(MlkgError):
    pass


class StoreUnavailable(StoreError):
    pass


class ReadOnlyViolation(StoreError):
    pass


class QueryRefused(ReadOnlyViolation):
    """The read-only path refuses the query from its plan: LOAD CSV, a procedure
    outside the allowlist, an administration command, another database."""


class QueryTimeout(StoreError):
    pass


class QueryError(MlkgError, ValueError):
    pass


class UnknownName(QueryError):
    """No entity is called ``name``; ``suggestions`` are close names (``kg.lookup``)."""

    def __init__(self, name: str, param: str = "name", suggestions: list[dict] | None = None):
        super().__init__(f"no entity is called {name!r}")
        self.name = name
        self.param = param
        self.suggestions = suggestions or []


class CurationError(MlkgError, ValueError):
    pass


class NameNotResolved(CurationError):
    """``candidates``: the entities (name, label, key) the name could mean; empty
    when it means none."""

    def __init__(self, message: str, candidates: list[dict] | None = None):
        super().__init__(message)
        self.candidates = list(candidates or [])


class SourceError(MlkgError):
    pass


class MalformedDocument(SourceError):
    """A document that cannot be parsed. ``reason`` is what quarantine records."""

    def __init__(self, reason: str, *, source: str | None = None):
        super().__init__(reason if source is None else f"{source}: {reason}")
        self.reason = reason
        self.source = source


class ExtractionError(MlkgError):
    pass
