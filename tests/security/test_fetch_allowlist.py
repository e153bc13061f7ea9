"""``kg ingest URL`` fetches public addresses only unless ``--allow-private``:
loopback, private, link-local (cloud metadata) and similar hosts are refused before
any connection, redirects included, and the refusal is quarantined with its reason."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from click.testing import CliRunner

from ingest.sources._http import public_only
from kg.cli import main
from kg.errors import SourceError

PAGE = "# Notes\n\n## Kite\n\nKiteML is a toolkit from Acme Labs.\n"


class _Page(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("content-type", "text/markdown")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_page():
    _Page.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notes.md"
    server.shutdown()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8000/x", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://224.0.0.1/",
    "http://[fe80::1]/", "http://[fd00::1]/",
])
def test_non_public_addresses_are_refused(url):
    with pytest.raises(SourceError, match="not a public address"):
        public_only(httpx.Request("GET", url))


def test_public_addresses_pass():
    public_only(httpx.Request("GET", "http://8.8.8.8/"))
    public_only(httpx.Request("GET", "https://[2606:4700:4700::1111]/"))


def test_kg_ingest_refuses_a_loopback_url_unless_allowed(graph_store, store_spec, local_page):
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", local_page, "--store", store_spec])
    assert result.exit_code == 0 and "quarantined 1" in result.output, result.output
    assert _Page.hits == []
    [item] = graph_store.quarantined()
    assert "not a public address" in item["reason"]
    result = runner.invoke(main, ["ingest", local_page, "--allow-private", "--store", store_spec])
    assert "loaded 1" in result.output, result.output
    assert _Page.hits == ["/notes.md"]
