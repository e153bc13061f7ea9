"""Graph stores. Only ``kg.store`` knows a database exists.

``open_store(spec)`` picks the backend from one string, the same everywhere
(CLI ``--store``, API settings, weekly job config):

- a filesystem path → the embedded FalkorDB store with its data in that directory;
- ``bolt://…``, ``neo4j://…`` (and ``+s``/``+ssc`` variants) → Neo4j.
"""
from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

from kg.errors import ConfigError
from kg.store.base import GraphStore

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def default_store_path() -> Path:
    return Path(user_data_dir("mlkg", appauthor=False)) / "graph"


def is_neo4j(spec: str) -> bool:
    return spec.startswith(NEO4J_SCHEMES)


def open_store(spec: str | None = None, *, neo4j_auth: tuple[str, str] | None = None,
               neo4j_database: str | None = None) -> GraphStore:
    """Open (and, for the embedded store, start) the store named by ``spec``."""
    spec = spec or str(default_store_path())
    if is_neo4j(spec):
        from kg.store.neo4j.store import Neo4jStore
        return Neo4jStore(spec, auth=neo4j_auth, database=neo4j_database)
    if "://" in spec:
        raise ConfigError(f"--store {spec!r}: use a directory path for the embedded store "
                          f"or one of {', '.join(NEO4J_SCHEMES)} for Neo4j")
    from kg.store.embedded.store import EmbeddedStore
    return EmbeddedStore(Path(spec).expanduser())


__all__ = ["GraphStore", "open_store", "default_store_path", "is_neo4j"]
