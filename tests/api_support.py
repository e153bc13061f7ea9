"""Shared by the API tests: a TestClient over a real store loaded with the sample graph."""
from __future__ import annotations

import json

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from sample_graph import sample_batch

API_KEY = "test-key-1"


def make_client(store, **settings) -> TestClient:
    store.upsert(sample_batch())
    values = {"api_keys": (API_KEY, "test-key-2")} | settings
    return TestClient(create_app(Settings(**values), store=store))


def dump(store) -> list[str]:
    """Every node and edge with every property, for before/after comparisons."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    edges = store.read("MATCH (a)-[r]->(b) RETURN properties(a) AS a, type(r) AS type, "
                       "properties(r) AS props, properties(b) AS b")
    rows = [json.dumps({**r, "labels": sorted(r.get("labels", []))}, sort_keys=True, default=str)
            for r in nodes + edges]
    return sorted(rows)
