"""One analyst's query cannot grow the embedded FalkorDB server (and, through its
reply, the API process) without bound: a per-query memory cap (QUERY_MEM_CAPACITY)
stops it with a clear error, and the server keeps answering."""
from __future__ import annotations

import pytest

from api_support import API_KEY, make_client

# without a cap this took 24.5 s and 3.1 GB of FalkorDB memory here; with it, 0.6 s
HEAVY = "UNWIND range(1, 40000000) AS x WITH collect(x) AS xs RETURN size(xs) AS n"


@pytest.fixture
def client(_embedded_store):
    _embedded_store.clear()
    with make_client(_embedded_store) as c:
        yield c


def test_a_query_past_the_memory_cap_is_stopped(client):
    r = client.post("/cypher", json={"query": HEAVY}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 400 and "MiB of memory" in r.json()["detail"], r.text[:300]
    assert client.get("/healthz").status_code == 200


def test_the_cap_holds_on_a_reused_server(_embedded_store, embedded_dir):
    from kg.store.embedded.store import QUERY_MEMORY_BYTES, EmbeddedStore
    _embedded_store._db.connection.execute_command(
        "GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", 0)  # as an older mlkg left it
    second = EmbeddedStore(embedded_dir)  # reuses the running server
    try:
        reply = second._db.connection.execute_command("GRAPH.CONFIG", "GET",
                                                      "QUERY_MEM_CAPACITY")
        assert int(reply[1]) == QUERY_MEMORY_BYTES
    finally:
        second.close()
