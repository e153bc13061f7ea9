"""Ingest runs as ``IngestRun`` nodes: started, finished, counts, status, error.
The weekly job and ``kg ingest`` record theirs the same way, so ``kg runs`` lists
both."""
from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.pipeline import IngestReport
from kg.errors import MlkgError
from kg.store.base import GraphStore, utc_now


def report_fields(report: IngestReport) -> dict:
    return {"documents": report.documents, "loaded": report.loaded,
            "unchanged": report.unchanged, "replaced": report.replaced,
            "entities": report.entities, "relations": report.relations,
            "errors": report.errors, "empty": report.empty}


def new_run_id(job: str) -> str:
    return f"{job}-{utc_now()}-{uuid.uuid4().hex[:8]}"


@dataclass
class RunRecord:
    run_id: str
    report: IngestReport = field(default_factory=IngestReport)


@contextlib.contextmanager
def recorded_run(store: GraphStore, job: str, params: dict) -> Iterator[RunRecord]:
    """Record the run around the block; set ``record.report`` to the ingestor's.
    Status: succeeded, partial (some documents quarantined), failed (an error ended
    it) or interrupted (a signal or Ctrl-C)."""
    record = RunRecord(new_run_id(job))
    store.start_run(record.run_id, job, json.dumps(params, ensure_ascii=False), utc_now())
    try:
        yield record
    except BaseException as exc:
        status = "failed" if isinstance(exc, Exception) else "interrupted"
        try:
            store.finish_run(record.run_id, report_fields(record.report) | {
                "status": status, "finished": utc_now(),
                "error": (str(exc) or type(exc).__name__)[:2000]})
        except MlkgError:  # the store itself failed: the run stays 'running'
            pass
        raise
    status = "partial" if record.report.errors else "succeeded"
    store.finish_run(record.run_id, report_fields(record.report) | {
        "status": status, "finished": utc_now()})
