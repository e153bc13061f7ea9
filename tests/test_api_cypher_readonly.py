"""POST /cypher is read-only for real: every write/admin attempt is refused (4xx) by
both stores, and the graph is byte-for-byte the same afterwards."""
from __future__ import annotations

import pytest

from api_support import API_KEY, dump, make_client

ATTEMPTS = [
    "CREATE (:Library {key: 'evil', name: 'evil'})",
    "CREATE (n:X) RETURN n",
    "MERGE (n:Library {key: 'evil'}) RETURN n",
    "MATCH (n:Library {key: 'pytorch'}) SET n.name = 'pwned'",
    "MATCH (n:Library) SET n += {name: 'pwned'}",
    "MATCH (n:Library {key: 'pytorch'}) SET n:Owned",
    "MATCH (n:Library {key: 'pytorch'}) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH ()-[r:IMPLEMENTS]->() DELETE r",
    "MATCH (n:Library) REMOVE n.name",
    "MATCH (n:Library) REMOVE n:Library",
    "MATCH (a:Library), (b:Library) CREATE (a)-[:OWNS]->(b)",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:X {line: row[0]})",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row LIMIT 3",
    "LOAD CSV WITH HEADERS FROM 'https://example.org/x.csv' AS row MERGE (:X {v: row.v})",
    "CALL db.createLabel('X')",
    "CALL db.createProperty('x')",
    "CALL dbms.security.createUser('eve', 'secret', false)",
    "CALL db.idx.fulltext.drop('Entity')",
    "CALL db.idx.fulltext.createNodeIndex('Library', 'repo')",
    "CALL db.clearQueryCaches()",
    "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS",
    "MATCH (n:Library) FOREACH (x IN [1] | CREATE (:X))",
    "MATCH (n:Library) FOREACH (x IN [1] | SET n.name = 'pwned')",
    "MATCH (n) RETURN n LIMIT 1; CREATE (:X)",
    "MATCH (n) RETURN count(n) AS c; MATCH (n) DETACH DELETE n",
    "/* just reading */ CREATE (:X)",
    "// a comment\nCREATE (:X)",
    "MATCH (n:Library) /* SET is harmless */ SET n.name = 'pwned'",
    "cReAtE (:X)",
    "MaTcH (n) dEtAcH dElEtE n",
    "ＣＲＥＡＴＥ (:X)",
    "EXPLAIN CREATE (:X)",
    "PROFILE CREATE (:X)",
    "PROFILE MATCH (n) DETACH DELETE n",
    "USE system CREATE USER eve SET PASSWORD 'secret'",
    "USE system DROP DATABASE neo4j",
    "CREATE DATABASE evil",
    "CREATE INDEX evil FOR (n:Library) ON (n.repo)",
    "DROP INDEX mlkg_entity_key",
    "CREATE CONSTRAINT evil FOR (n:X) REQUIRE n.k IS UNIQUE",
    "GRAPH.DELETE mlkg",
    "GRAPH.QUERY mlkg \"CREATE (:X)\"",
    "GRAPH.CONFIG SET TIMEOUT 0",
    "WITH 1 AS x CREATE (:X {v: x})",
    "UNWIND range(1, 3) AS i MERGE (:X {i: i})",
    "MATCH (n:Library) WITH n LIMIT 1 CALL { WITH n SET n.name = 'pwned' } RETURN 1",
]


@pytest.fixture
def client(graph_store):
    with make_client(graph_store) as c:
        yield c


def test_the_corpus_is_big_enough():
    assert len(ATTEMPTS) >= 30


@pytest.mark.parametrize("query", ATTEMPTS)
def test_write_and_admin_attempts_are_refused(client, graph_store, query):
    before = dump(graph_store)
    r = client.post("/cypher", json={"query": query}, headers={"X-API-Key": API_KEY})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert dump(graph_store) == before


def test_writes_say_read_only(client):
    r = client.post("/cypher", json={"query": "CREATE (:X)"}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


def test_reads_still_work_after_the_corpus(client, graph_store):
    for query in ATTEMPTS[:5]:
        client.post("/cypher", json={"query": query}, headers={"X-API-Key": API_KEY})
    r = client.post("/cypher", json={"query": "MATCH (n:Library {key: 'pytorch'}) "
                                              "RETURN n.name AS name"},
                    headers={"X-API-Key": API_KEY})
    assert r.json()["rows"] == [{"name": "PyTorch"}]
