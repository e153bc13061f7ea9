"""Prometheus metrics for the service and a small public API for ingest code.

Ingest code (CLI runs, the weekly job, ``POST /ingest``) records what it did with::

    from api import metrics
    metrics.count_documents("loaded", 15)
    metrics.count_entities(40); metrics.count_relations(31)
    metrics.count_ingest_run("ok")
    metrics.record_ingest_report(report)   # all of the above from an IngestReport

The metrics live in prometheus_client's default registry (module level, so building
several apps in one process — as tests do — never registers them twice);
``GET /metrics`` renders them.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "mlkg_http_requests_total", "HTTP requests by method, route template and status.",
    ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "mlkg_http_request_duration_seconds", "HTTP request latency by method and route template.",
    ["method", "route"])
STORE_LATENCY = Histogram(
    "mlkg_store_query_duration_seconds",
    "Store query latency by query (a named query, 'cypher' for analysts' queries).",
    ["query", "backend"], buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
STORE_ERRORS = Counter(
    "mlkg_store_query_errors_total", "Store queries that failed, by query and error type.",
    ["query", "error"])
INGEST_DOCUMENTS = Counter(
    "mlkg_ingest_documents_total",
    "Documents seen by ingest, by outcome (loaded, replaced, unchanged, quarantined).",
    ["outcome"])
INGEST_ENTITIES = Counter("mlkg_ingest_entities_total", "Entities written by ingest.")
INGEST_RELATIONS = Counter("mlkg_ingest_relations_total", "Relations written by ingest.")
INGEST_RUNS = Counter("mlkg_ingest_runs_total", "Ingest runs by status (ok, failed).",
                      ["status"])


# -- public API for ingest code ----------------------------------------------------------
def count_documents(outcome: str, n: int = 1) -> None:
    """Count ``n`` documents with ``outcome`` (loaded, replaced, unchanged, quarantined)."""
    if n:
        INGEST_DOCUMENTS.labels(outcome=outcome).inc(n)


def count_entities(n: int = 1) -> None:
    if n:
        INGEST_ENTITIES.inc(n)


def count_relations(n: int = 1) -> None:
    if n:
        INGEST_RELATIONS.inc(n)


def count_ingest_run(status: str = "ok") -> None:
    INGEST_RUNS.labels(status=status).inc()


def record_ingest_report(report: Any, status: str = "ok") -> None:
    """Count an ``IngestReport`` (or its dict): documents by outcome, entities, relations."""
    data = report if isinstance(report, dict) else (
        report.as_dict() if hasattr(report, "as_dict") else vars(report))
    for outcome in ("loaded", "replaced", "unchanged"):
        count_documents(outcome, int(data.get(outcome) or 0))
    quarantined = data.get("quarantined") or []
    count_documents("quarantined", len(quarantined) if isinstance(quarantined, list)
                    else int(quarantined))
    count_entities(int(data.get("entities") or 0))
    count_relations(int(data.get("relations") or 0))
    count_ingest_run(status)


# -- used by the service and the app ---------------------------------------------------------
@contextmanager
def time_store_query(query: str, backend: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    except Exception as exc:
        STORE_ERRORS.labels(query=query, error=type(exc).__name__).inc()
        raise
    finally:
        STORE_LATENCY.labels(query=query, backend=backend).observe(time.perf_counter() - start)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_LATENCY.labels(method=method, route=route).observe(seconds)


def render() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
