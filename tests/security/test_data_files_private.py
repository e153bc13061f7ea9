"""The embedded store's data directory is 0700 and nothing in it is readable by
group or others (the graph, the append-only log, the server log, the pid file)."""
from __future__ import annotations

import stat

from kg.models import GraphBatch, SourceDoc
from kg.store.embedded.store import EmbeddedStore


def _loose(directory) -> list[str]:
    return [f"{p.name} {stat.filemode(p.stat().st_mode)}"
            for p in [directory, *directory.rglob("*")]
            if not p.is_symlink() and p.stat().st_mode & 0o077]


def test_fresh_store_files_are_owner_only(tmp_path):
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    try:
        store.upsert(GraphBatch(sources=[SourceDoc("a", "newsletter", None, None, "h")]))
        assert (data / "falkordb.log").exists() and _loose(data) == []
    finally:
        store.stop_server()
    assert any((data / "appendonlydir").glob("*.base.rdb"))  # the AOF's snapshot
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert _loose(data) == []


def test_an_existing_readable_directory_is_tightened(tmp_path):
    data = tmp_path / "graph"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    old = data / "notes.txt"
    old.write_text("left by an older version")
    old.chmod(0o644)
    store = EmbeddedStore(data)
    try:
        assert _loose(data) == []
    finally:
        store.stop_server()
