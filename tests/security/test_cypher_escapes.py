"""POST /cypher (and ``kg cypher``) only read the graph, on both stores.

The attempts are data: ``cypher_escapes.jsonl``, one ``{"query": …}`` per line
(``{PORT}`` is a local HTTP server that counts requests, ``{SECRET}`` a local file
holding a marker; ``harmless_on`` lists stores where the query may answer because
it reads only the graph's own catalog). Every attempt is refused (4xx) — or harmless —
the graph is unchanged, no request reaches the HTTP server and the marker never
appears in a response. Read-only-ness comes from the databases themselves (access
mode, GRAPH.RO_QUERY, the EXPLAIN plan), never from the query text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api_support import API_KEY, dump, make_client
from listener_support import listening

CORPUS = [json.loads(line) for line in
          (Path(__file__).with_name("cypher_escapes.jsonl")).read_text().splitlines()
          if line.strip()]
MARKER = "mlkg-secret-marker-7f3a"


@pytest.fixture(scope="module")
def listener():
    with listening(f"{MARKER},1\n", "text/csv") as server:
        yield server


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "secret.csv"
    path.write_text(f"{MARKER},1\n")
    return path


@pytest.fixture
def client(graph_store):
    with make_client(graph_store) as c:
        yield c


def _fill(query: str, listener, secret_file: Path) -> str:
    return (query.replace("{PORT}", str(listener.port))
            .replace("{SECRET}", str(secret_file)))


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 100


@pytest.mark.parametrize("entry", CORPUS, ids=[e["query"][:60] for e in CORPUS])
def test_escape_attempts_are_refused(client, graph_store, listener, secret_file, entry):
    query = _fill(entry["query"], listener, secret_file)
    before, hits = dump(graph_store), len(listener.hits)
    r = client.post("/cypher", json={"query": query, "params": entry.get("params", {})},
                    headers={"X-API-Key": API_KEY})
    if graph_store.backend not in entry.get("harmless_on", ()):
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
        assert r.headers["content-type"].startswith("application/problem+json")
    assert MARKER not in r.text
    assert len(listener.hits) == hits
    assert dump(graph_store) == before


@pytest.mark.parametrize("query", [
    "WITH 'http://x' AS u LOAD CSV FROM 'http://127.0.0.1:{PORT}/x' AS row RETURN row",
    "load csv from 'file://{SECRET}' as row return row",
    "CALL { LOAD CSV FROM 'http://127.0.0.1:{PORT}/y' AS row RETURN row } RETURN row",
])
def test_load_csv_is_refused_as_such(client, listener, secret_file, query):
    r = client.post("/cypher", json={"query": _fill(query, listener, secret_file)},
                    headers={"X-API-Key": API_KEY})
    assert r.status_code == 403 and "LOAD CSV" in r.json()["detail"], r.text[:300]


@pytest.mark.neo4j
@pytest.mark.parametrize("query, says", [
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "administration"),
    ("SHOW TRANSACTIONS", "administration"),
    ("SHOW SETTINGS", "administration"),
    ("CALL dbms.listConfig()", "read-only"),
    ("CALL db.info()", "db.info"),
    ("CALL dbms.components()", "read-only"),
    ("USE system CALL db.labels() YIELD label RETURN label", "read-only"),
])
def test_neo4j_admin_is_refused_with_403(_neo4j_store, query, says):
    _neo4j_store.clear()
    with make_client(_neo4j_store) as client:
        r = client.post("/cypher", json={"query": query}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 403 and says in r.json()["detail"], r.text[:300]


def test_kg_cypher_refuses_load_csv(store_spec, listener):
    from kg.cli import main
    port = listener.port
    query = f"WITH 'http://x' AS u LOAD CSV FROM 'http://127.0.0.1:{port}/cli' AS row RETURN row"
    hits = len(listener.hits)
    result = CliRunner().invoke(main, ["cypher", query, "--store", store_spec])
    assert result.exit_code != 0 and "QueryRefused" in result.output, result.output
    assert len(listener.hits) == hits


def test_writes_say_read_only(client):
    r = client.post("/cypher", json={"query": "CREATE (:X)"}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


@pytest.mark.parametrize("query, rows", [
    ("MATCH (n:Library {key: 'pytorch'}) RETURN n.name AS name", [{"name": "PyTorch"}]),
    ("CALL db.labels() YIELD label WITH label WHERE label = 'Library' RETURN label",
     [{"label": "Library"}]),
])
def test_reads_still_work_after_the_corpus(client, listener, secret_file, query, rows):
    for entry in CORPUS[:5] + CORPUS[-20:]:
        client.post("/cypher", json={"query": _fill(entry["query"], listener, secret_file)},
                    headers={"X-API-Key": API_KEY})
    r = client.post("/cypher", json={"query": query}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 200 and r.json()["rows"] == rows, r.text[:300]
