"""Graph stores. Only ``kg.store`` knows a database exists.

``open_store(spec)`` picks the backend from one string, the same everywhere
(CLI ``--store``, API settings, weekly job config):

- a filesystem path → the embedded FalkorDB store with its data in that directory;
- ``bolt://…``, ``neo4j://…`` (and ``+s``/``+ssc`` variants) → Neo4j.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from platformdirs import user_data_dir

from kg.errors import ConfigError, StoreNotFound
from kg.store.base import GraphStore

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def default_store_path() -> Path:
    return Path(user_data_dir("mlkg", appauthor=False)) / "graph"


def is_neo4j(spec: str) -> bool:
    return spec.startswith(NEO4J_SCHEMES)


def open_store(spec: str | None = None, *, neo4j_auth: tuple[str, str] | None = None,
               neo4j_database: str | None = None,
               neo4j_read_auth: tuple[str, str] | None = None, create: bool = True,
               on_create: Callable[[Path], None] | None = None,
               linger: float = 0.0) -> GraphStore:
    """Open (and, for the embedded store, start) the store named by ``spec``.
    ``create=False``: an embedded store directory that does not exist yet is an
    error rather than a new, empty store; ``on_create`` hears of a new one;
    ``linger``: seconds an idle embedded server is kept running; ``neo4j_read_auth``:
    a read-only Neo4j user for analysts' queries."""
    spec = spec or str(default_store_path())
    if is_neo4j(spec):
        from kg.store.neo4j.store import Neo4jStore
        return Neo4jStore(spec, auth=neo4j_auth, database=neo4j_database,
                          read_auth=neo4j_read_auth)
    if "://" in spec:
        raise ConfigError(f"--store {spec!r}: use a directory path for the embedded store "
                          f"or one of {', '.join(NEO4J_SCHEMES)} for Neo4j")
    path = Path(spec).expanduser()
    if not check_embedded_path(path, create=create) and on_create:
        on_create(path)
    from kg.store.embedded.store import EmbeddedStore
    return EmbeddedStore(path, linger=linger)


def check_embedded_path(path: Path, *, create: bool) -> bool:
    """Whether ``path`` holds an embedded store; raise ConfigError where it cannot be
    one: a file, a directory of other files (the server would make it and everything
    in it private to the owner), or — unless ``create`` — nothing yet."""
    from kg.store.embedded.server import is_store_dir
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--store {str(path)!r} is a file, not a store directory")
    if is_store_dir(path):
        return True
    if path.is_dir() and any(path.iterdir()):
        raise ConfigError(f"--store {str(path)!r} is a directory of other files, not an "
                          "mlkg store; give a new or empty directory")
    if not create:
        raise StoreNotFound(f"no store at {path} (kg ingest creates one; check --store "
                            "or MLKG_STORE)")
    return False


__all__ = ["GraphStore", "open_store", "check_embedded_path", "default_store_path", "is_neo4j"]
