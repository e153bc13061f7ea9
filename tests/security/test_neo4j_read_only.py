"""Neo4j Community has no roles, so the analysts' path (``read_only``: POST /cypher,
``kg cypher``) is guarded in layers (kg/store/neo4j/store.py's docstring). The
EXPLAIN type check and the operator refusals are exercised by the escape corpus
(test_cypher_escapes.py); this file checks each remaining layer on its own, with
the one before it out of the way."""
from __future__ import annotations

import pytest

from kg.errors import QueryTimeout, ReadOnlyViolation, StoreError

pytestmark = pytest.mark.neo4j

# rows nobody needs: the server is stopped by the limit, not by finishing
ENDLESS = ("UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b "
           "RETURN count(*) AS n")
HEAVY = "UNWIND range(1, 40000000) AS x WITH collect(x) AS xs RETURN size(xs) AS n"


@pytest.fixture
def store(_neo4j_store):
    _neo4j_store.clear()
    return _neo4j_store


def test_the_server_refuses_a_write_in_the_read_transaction(store):
    """Layer 3 without layers 1–2: the statement goes straight to the READ-mode
    transaction the analysts' query runs in."""
    with pytest.raises(ReadOnlyViolation, match="read"):
        store._read("CREATE (:Probe {x: 1}) RETURN 1", {}, 10, 5.0, analyst=True)
    assert store.read("MATCH (n:Probe) RETURN count(n) AS c") == [{"c": 0}]


def test_a_long_query_is_ended_by_the_server_at_its_timeout(store):
    with pytest.raises(QueryTimeout):
        store.read_only(ENDLESS, timeout=0.5)
    assert store.read("RETURN 1 AS one") == [{"one": 1}]


def test_a_query_past_the_transaction_memory_limit_fails_and_the_server_stays(store):
    with pytest.raises(StoreError, match="db.memory.transaction.max"):
        store.read_only(HEAVY, timeout=60)
    assert store.read("RETURN 1 AS one") == [{"one": 1}]


def test_a_read_only_user_gets_its_own_connection(neo4j_uri):
    """NEO4J_READ_USER / NEO4J_READ_PASSWORD (Enterprise, Aura) reach the store from
    the app factory; analysts' queries then use that user's driver alone. (The test
    server has authentication off, so any user connects: this checks the wiring.)"""
    from api.app import open_configured_store
    from api.settings import Settings
    settings = Settings.from_env({"MLKG_STORE": neo4j_uri, "NEO4J_READ_USER": "analyst",
                                  "NEO4J_READ_PASSWORD": "secret"})
    assert (settings.neo4j_read_user, settings.neo4j_read_password) == ("analyst", "secret")
    store = open_configured_store(settings)
    try:
        assert store._read_driver is not store._driver
        assert store.read_only("RETURN 1 AS one") == [{"one": 1}]
        store._read_driver.close()  # analysts' queries go through it, and only them
        with pytest.raises(StoreError):
            store.read_only("RETURN 1 AS one")
        assert store.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        store._driver.close()
