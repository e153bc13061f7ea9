"""A document's ``origin`` supplied by a request is data: ``kg quarantine retry``
never reads the file or fetches the URL it names (it used to — a second-order
SSRF and local file read, whose text the unauthenticated routes then served).
What the operator gave to ``kg ingest`` is still read again on retry."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from api_support import API_KEY, dump, make_client
from kg.cli import main
from listener_support import listening

MARKER = "zqxsecretmarker"
SECRET_TEXT = f"# Notes\n\n## Secret\n\nPyTorch {MARKER} is a library from Meta.\n"


@pytest.fixture
def listener():
    with listening(SECRET_TEXT, "text/markdown") as server:
        yield server


def test_retry_never_follows_a_requests_origin(graph_store, store_spec, listener, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(SECRET_TEXT)
    url = listener.url("/secret.md")
    documents = [  # NUL text fails validation and is quarantined without its text
        {"id": "file-origin", "kind": "newsletter", "text": "PyTorch\x00", "origin": str(secret)},
        {"id": "url-origin", "kind": "newsletter", "text": "PyTorch\x00", "origin": url},
        {"id": "url-in-url", "kind": "newsletter", "text": "PyTorch\x00", "url": url,
         "origin": f"file://{secret}"},
    ]
    with make_client(graph_store) as client:
        r = client.post("/ingest", json={"documents": documents}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 200 and r.json()["errors"] == 3, r.text
    before = dump(graph_store)
    result = CliRunner().invoke(main, ["quarantine", "retry", "--store", store_spec])
    assert result.exit_code == 1, result.output  # all three still quarantined
    assert "released 0" in result.output and "nothing to retry from" in result.output
    assert listener.hits == []
    after = dump(graph_store)
    assert after == before and not any(MARKER in line for line in after)


def test_retry_rereads_what_the_operator_ingested(graph_store, store_spec, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "b", "text": \n')
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(docs), "--store", store_spec]).exit_code == 1
    [item] = graph_store.quarantined()
    assert item["refetch"] == str(docs)
    docs.write_text('{"id": "b", "kind": "newsletter", "text": "Flyte is a tool from Lyft."}\n')
    retry = runner.invoke(main, ["quarantine", "retry", "--store", store_spec])
    assert retry.exit_code == 0 and "released 1" in retry.output, retry.output
    assert graph_store.read("MATCH (s:Source {id: 'b'}) RETURN s.status AS s") == [{"s": "done"}]
