"""``kg ingest URL`` fetches public addresses only unless ``--allow-private``:
loopback, private, link-local (cloud metadata) and similar hosts are refused before
any connection, redirects included, and the refusal is quarantined with its reason."""
from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner

from ingest.sources._http import public_only
from kg.cli import main
from kg.errors import SourceError
from listener_support import listening

PAGE = "# Notes\n\n## Kite\n\nKiteML is a toolkit from Acme Labs.\n"


@pytest.fixture
def local_page():
    with listening(PAGE, "text/markdown") as listener:
        yield listener


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
    result = runner.invoke(main, ["ingest", local_page.url("/notes.md"), "--store", store_spec])
    assert result.exit_code == 1 and "quarantined 1" in result.output, result.output
    assert local_page.hits == []
    [item] = graph_store.quarantined()
    assert "not a public address" in item["reason"]
    result = runner.invoke(main, ["ingest", local_page.url("/notes.md"), "--allow-private", "--store", store_spec])
    assert "loaded 1" in result.output, result.output
    assert local_page.hits == ["/notes.md"]
