"""Shared by the API tests: a TestClient over a real store loaded with the sample graph."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph_dump import dump_graph
from sample_graph import sample_batch

API_KEY = "test-key-1"


def make_client(store, **settings) -> TestClient:
    store.upsert(sample_batch())
    values = {"api_keys": (API_KEY, "test-key-2")} | settings
    return TestClient(create_app(Settings(**values), store=store))


def dump(store) -> list[str]:
    """Every node and edge with every property, for before/after comparisons."""
    return dump_graph(store, ignore=())
