"""Neo4j going away: requests answer 503 at once (not a 500 after the driver's
30 s of retries), and the API recovers when the server is back.

The server is cut off by a TCP relay between the driver and the real Neo4j test
server: closing the relay drops every connection and refuses new ones, as a
stopped server does; reopening it on the same port is the server coming back."""
from __future__ import annotations

import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

pytestmark = pytest.mark.neo4j


class Relay:
    """127.0.0.1:port → target, until ``cut()``; ``restore()`` listens again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        try:  # wakes the thread blocked in accept() (close alone does not, on Linux)
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        for conn in self._conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass


def test_neo4j_down_is_a_fast_503_then_recovery(neo4j_uri):
    from kg.store.neo4j.store import Neo4jStore
    from conftest import neo4j_auth
    host, port = neo4j_uri.rsplit("/", 1)[1].rsplit(":", 1)
    relay = Relay((host, int(port)))
    store = Neo4jStore(f"bolt://127.0.0.1:{relay.port}", auth=neo4j_auth())
    try:
        with TestClient(create_app(Settings(api_keys=("k",)), store=store)) as client:
            assert client.get("/healthz").status_code == 200
            relay.cut()
            for path in ("/healthz", "/search?q=pytorch", "/lineage/developers?name=x"):
                started = time.monotonic()
                r = client.get(path)
                print(f"{path}: {r.status_code} in {time.monotonic() - started:.2f}s")
                assert r.status_code == 503, (path, r.status_code, r.text[:300])
            relay.restore()
            deadline = time.monotonic() + 60  # a wait for recovery, not a timing claim
            while client.get("/healthz").status_code != 200:
                assert time.monotonic() < deadline, "the API did not recover"
                time.sleep(0.2)
    finally:
        relay.cut()
        store.close()
