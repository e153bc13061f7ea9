"""Fixtures shared by the whole suite.

``graph_store`` is parametrized over both backends (graphiti's ``graph_driver``
fixture is the model). The Neo4j half uses ``NEO4J_URI`` when set, else starts
the Maven-built Neo4j 5.26 test server from ``tools/``; without Java and Maven it
skips with the reason — except under ``CI=true``, where not reaching Neo4j fails.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/sample_graph.py


def unavailable(reason: str):
    """Skip locally; fail in CI, where every service must be reachable."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def _neo4j_server_module():
    path = ROOT / "tools" / "neo4j_server.py"
    spec = importlib.util.spec_from_file_location("neo4j_test_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    server_module = _neo4j_server_module()
    if not server_module.java_and_maven_available():
        unavailable("Neo4j: NEO4J_URI is not set and Java/Maven are missing "
                    "to start tools/neo4j-test-server")
    try:
        server = server_module.start(data_dir=tmp_path_factory.mktemp("neo4j-data"))
    except Exception as exc:  # the reason goes into the skip/fail message
        unavailable(f"Neo4j test server did not start: {exc}")
    print(f"\n[mlkg] Neo4j test server at {server.uri}")
    yield server.uri
    server.stop()


def neo4j_auth():
    password = os.environ.get("NEO4J_PASSWORD")
    return (os.environ.get("NEO4J_USER", "neo4j"), password) if password else None


@pytest.fixture(scope="session")
def embedded_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("falkordb")


@pytest.fixture(scope="session")
def _embedded_store(embedded_dir):
    from kg.store.embedded.store import EmbeddedStore
    store = EmbeddedStore(embedded_dir)
    yield store
    store.stop_server()


@pytest.fixture(scope="session")
def _neo4j_store(neo4j_uri):
    from kg.store.neo4j.store import Neo4jStore
    store = Neo4jStore(neo4j_uri, auth=neo4j_auth())
    yield store
    store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def graph_store(request):
    """An empty store of each backend."""
    store = request.getfixturevalue(f"_{request.param}_store")
    store.clear()
    return store


@pytest.fixture
def store_spec(request, graph_store, embedded_dir):
    """The ``--store`` value that reaches ``graph_store`` from the CLI."""
    if graph_store.backend == "embedded":
        return str(embedded_dir)
    return request.getfixturevalue("neo4j_uri")


def pytest_terminal_summary(terminalreporter):
    """Say in the log how many tests ran against each backend, so a run where the
    Neo4j half quietly did not happen is visible at a glance."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            for backend in ("embedded", "neo4j"):
                if f"[{backend}" in nodeid or f"-{backend}-" in nodeid or f"-{backend}]" in nodeid:
                    counts.setdefault(backend, {}).setdefault(outcome, 0)
                    counts[backend][outcome] += 1 if report.when in ("call", "setup") else 0
    for backend, by_outcome in sorted(counts.items()):
        summary = ", ".join(f"{n} {o}" for o, n in sorted(by_outcome.items()) if n)
        terminalreporter.write_line(f"[mlkg] {backend} store tests: {summary}")
