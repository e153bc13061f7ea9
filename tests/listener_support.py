"""A local HTTP listener for the security tests: it answers every GET with one fixed
body and records the request paths, so a test can tell whether anything fetched a URL
it should not have (LOAD CSV, quarantine retry, ``kg ingest URL``)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator


@dataclass
class Listener:
    port: int
    hits: list[str] = field(default_factory=list)   # request paths, in order

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def listening(body: str, content_type: str) -> Iterator[Listener]:
    hits: list[str] = []
    data = body.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Listener(server.server_address[1], hits)
    finally:
        server.shutdown()
        server.server_close()
