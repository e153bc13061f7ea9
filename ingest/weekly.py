"""The weekly job: ingest everything published since the last successful run.

Configuration (TOML, read by the CLI)::

    store = "data/graph"                 # or bolt://…; --store overrides
    first_run_days = 7                   # how far back the very first run looks

    [arxiv]
    sets = ["cs"]                        # OAI-PMH sets
    categories = ["cs.LG", "cs.CL"]      # keep records with one of these ([] = all)
    metadata_prefix = "arXiv"

    [[feeds]]
    url = "https://example.org/newsletter/feed.xml"

    [[paths]]
    path = "inbox/newsletters"

The watermark (the ``until`` date of the last successful run) and a record of
every run live in the graph as ``IngestRun`` nodes, so a failed run is retried
from the same watermark and a repeated run adds nothing (documents already
loaded are skipped by content hash).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

from kg.errors import MlkgError
from kg.store import GraphStore
from kg.store.base import utc_now
from ingest.pipeline import Ingestor, IngestReport
from ingest.runs import new_run_id, report_fields

JOB = "weekly"


@dataclass
class WeeklyConfig:
    arxiv_sets: list[str] = field(default_factory=list)
    arxiv_categories: list[str] = field(default_factory=list)
    metadata_prefix: str = "arXiv"
    feeds: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    first_run_days: int = 7
    store: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "WeeklyConfig":
        arxiv = data.get("arxiv", {})
        return cls(arxiv_sets=list(arxiv.get("sets", [])),
                   arxiv_categories=list(arxiv.get("categories", [])),
                   metadata_prefix=arxiv.get("metadata_prefix", "arXiv"),
                   feeds=[f["url"] for f in data.get("feeds", [])],
                   paths=[p["path"] for p in data.get("paths", [])],
                   first_run_days=int(data.get("first_run_days", 7)),
                   store=data.get("store"))


@dataclass
class WeeklyResult:
    run_id: str
    since: str
    until: str
    status: str
    report: IngestReport
    error: str | None = None


def _published_since(doc, since: str) -> bool:
    return not doc.published or doc.published[:10] >= since


def run_weekly(store: GraphStore, config: WeeklyConfig, client: httpx.Client, *,
               today: date | None = None, extractor=None, workers: int = 1,
               oai_options: dict | None = None) -> WeeklyResult:
    """One run of the weekly job. Raises nothing for source failures: the run is
    recorded as failed (watermark unchanged) and the result says why."""
    from ingest.sources import read_url
    from ingest.sources.arxiv_oai import list_records

    today = today or date.today()
    last = store.last_successful_run(JOB)
    since = (last or {}).get("watermark") or (today - timedelta(days=config.first_run_days)).isoformat()
    until = today.isoformat()
    run_id = new_run_id(JOB)
    store.start_run(run_id, JOB, json.dumps({"since": since, "until": until}), utc_now())
    ingestor = Ingestor(store, extractor, workers=workers)
    wanted = set(config.arxiv_categories)
    try:
        for set_ in config.arxiv_sets:
            docs = list_records(client, metadata_prefix=config.metadata_prefix, set_=set_,
                                from_=since, until=until, **(oai_options or {}))
            ingestor.ingest_documents(d for d in docs
                                      if not wanted or wanted.intersection(d.categories))
        for url in config.feeds:
            ingestor.ingest_documents(d for d in read_url(url, client)
                                      if _published_since(d, since))
        ingestor.ingest_paths(config.paths)
    except MlkgError as exc:
        return _finish(store, run_id, since, until, ingestor.report, "failed", str(exc))
    return _finish(store, run_id, since, until, ingestor.report, "succeeded", None)


def _finish(store: GraphStore, run_id: str, since: str, until: str, report: IngestReport,
            status: str, error: str | None) -> WeeklyResult:
    fields = report_fields(report) | {"status": status, "finished": utc_now(), "since": since}
    if status == "succeeded":
        fields["watermark"] = until
    if error:
        fields["error"] = error[:2000]
    store.finish_run(run_id, fields)
    return WeeklyResult(run_id, since, until, status, report, error)
