"""The one service layer between the HTTP routes and the GraphStore.

Routes stay thin: they parse HTTP and call one method here. Everything the store
is asked goes through a named query (``queries/*.cypher``) or, for analysts,
``store.read_only`` — no Cypher lives in ``api/``.
"""
from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import queries as named_queries
from api import ask as ask_module
from api import browse as browse_module
from api import metrics
from api.budget import Budget, run_within
from api.errors import ApiError, NotFound
from api.summary import outside_links, summarize
from api.settings import Settings
from kg.errors import (BudgetExceeded, QueryRefused, QueryTimeout, ReadOnlyViolation,
                       SchemaError, StoreError, UnknownName)
from kg.keys import normalize_name
from kg.lookup import ENTITY_PARAMS, Lookup, entity_url
from kg.schema import Label, label as check_label

# How the entity page names each side of a relation: (type, direction) → group.
GROUPS = {
    ("IMPLEMENTS", "out"): "implements", ("IMPLEMENTS", "in"): "implemented_by",
    ("BUILT_ON", "out"): "built_on", ("BUILT_ON", "in"): "foundation_of",
    ("USES", "out"): "uses", ("USES", "in"): "used_by",
    ("DEVELOPED_BY", "out"): "developed_by", ("DEVELOPED_BY", "in"): "developed",
    ("INTRODUCES", "out"): "introduces", ("INTRODUCES", "in"): "introduced_in",
    ("AUTHORED_BY", "out"): "authored_by", ("AUTHORED_BY", "in"): "authored",
    ("TRAINED_ON", "out"): "trained_on", ("TRAINED_ON", "in"): "trained",
    ("EVALUATED_ON", "out"): "evaluated_on", ("EVALUATED_ON", "in"): "evaluated",
}



class GraphService:
    def __init__(self, store, settings: Settings):
        self.store = store
        self.settings = settings
        self._ingest_lock = threading.Lock()
        # one thread does every ingest's extraction and load, off the event loop (and
        # one at a time: an Ingestor is not thread-safe)
        self._ingest_worker = ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix="mlkg-ingest")
        self._extractor = None
        self.lookup = Lookup(self._run)

    def close(self) -> None:
        """Let an ingest in progress finish (or find its budget spent) and stop."""
        self._ingest_worker.shutdown(wait=True)

    # -- plumbing --------------------------------------------------------------------
    def _run(self, name: str, params: dict[str, Any] | None = None) -> list[dict]:
        with metrics.time_store_query(name, self.store.backend):
            return self.store.run_query(name, params or {})

    def _check_size(self, payload: Any) -> None:
        size = len(json.dumps(payload, default=str))
        if size > self.settings.max_result_bytes:
            raise ApiError(413, f"the result is {size} bytes, over this server's limit of "
                                f"{self.settings.max_result_bytes}; ask for fewer rows "
                                "(a smaller limit, a narrower query)")

    def _limit_rows(self, rows: list[dict], limit: int | None = None) -> tuple[list, bool]:
        cap = min(limit or self.settings.max_rows, self.settings.max_rows)
        return rows[:cap], len(rows) > cap

    # -- search and suggestions (kg.lookup: the same code answers the CLI) ------------------
    def search(self, q: str, label: str | None = None, limit: int = 10) -> dict:
        return {"q": q, "label": label or None,
                "results": self.lookup.search(q, label, limit)}

    def suggestions(self, text: str, label: str | None = None, k: int = 5) -> list[dict]:
        return self.lookup.suggestions(text, label, k)

    def resolve(self, name: str) -> tuple[list[dict], str]:
        return self.lookup.resolve(name)

    def require_known(self, name: str, param: str = "name") -> str:
        """The spelling of ``name`` the graph knows; 404 with suggestions if none."""
        if not normalize_name(name or ""):
            raise ApiError(400, f"parameter {param!r} must contain letters or digits",
                           param=param)
        try:
            return self.lookup.require_known(name, param)
        except UnknownName as exc:
            raise NotFound(str(exc), param=param, suggestions=exc.suggestions) from None

    # -- the entity page ---------------------------------------------------------------------
    def entity(self, label: str, key: str) -> dict:
        try:
            lab = check_label(label)
        except SchemaError:
            raise NotFound(f"there is no entity type {label!r}",
                           allowed_labels=[str(x) for x in Label],
                           suggestions=self.suggestions(key)) from None
        found = self._run("entity", {"label": str(lab), "key": key})
        if not found:   # a key a merge (or retype) sent elsewhere answers for its target
            target = self.curator().redirect(str(lab), key)
            if target != (str(lab), key):
                page = self.entity(*target)
                return {**page, "redirected_from": {"label": str(lab), "key": key}}
        if not found:
            raise NotFound(f"no {lab} has the key {key!r}",
                           suggestions=self.suggestions(key, str(lab)) or self.suggestions(key))
        props = dict(found[0]["props"])
        sources = {s["id"]: s for s in self._run("entity_sources",
                                                  {"label": str(lab), "key": key})}
        for source in sources.values():
            source.setdefault("snippet", None)
        relations = []
        for row in self._run("entity_relations", {"label": str(lab), "key": key}):
            evidence = []
            per_source = _per_source(row)
            for sid, sentence in zip(row.get("sources") or [], row.get("evidence") or []):
                src = sources.get(sid, {"id": sid})
                evidence.append({"sentence": sentence, **per_source.get(sid, {}),
                                 "source": {k: src.get(k) for k in
                                            ("id", "kind", "title", "url", "published")}})
            relations.append({
                "relation": row["relation"], "direction": row["direction"],
                "group": GROUPS.get((row["relation"], row["direction"]),
                                    f"{row['relation'].lower()}_{row['direction']}"),
                "other": {"name": row["name"], "label": row["label"], "key": row["key"],
                          "url": entity_url(row["label"], row["key"])},
                "support": row.get("support"), "confidence": row.get("confidence"),
                "extractor": row.get("extractor"),
                "extractor_version": row.get("extractor_version"),
                "first_seen": row.get("first_seen"), "last_seen": row.get("last_seen"),
                "evidence": evidence, "fact": _fact_id(str(lab), key, row),
                "rejected": bool(row.get("rejected")), "asserted": bool(row.get("asserted")),
                "curation": _curation(row),
            })
        keys = {"key": props.get("key")}
        for extra in ("arxiv_id", "doi", "repo", "pypi", "hf_id", "url", "homepage"):
            if props.get(extra):
                keys[extra] = props[extra]
        hidden = {"key", "name", "label", "aliases", "aliases_text", "first_seen", "last_seen"}
        lineage: dict[str, list[dict]] = {}
        for rel in relations:
            lineage.setdefault(rel["group"], []).append(rel["other"])
        page = {
            "label": str(lab), "key": props.get("key"), "name": props.get("name"),
            "url": entity_url(str(lab), key),
            "aliases": props.get("aliases") or [], "keys": keys,
            "properties": {k: v for k, v in props.items() if k not in hidden},
            "first_seen": props.get("first_seen"), "last_seen": props.get("last_seen"),
            "lineage": lineage, "relations": relations,
            "sources": sorted(sources.values(),
                              key=lambda s: (s.get("published") or "", s["id"]), reverse=True),
        }
        page["links"] = outside_links(props)
        if str(lab) in ("Paper", "Architecture"):
            # code for it: libraries implementing it, its paper or the paper's architecture
            page["implementations"] = [r["library"] for r in self._run(
                "implementations", {"name": props.get("name"), "limit": 100})]
        # the summary tells what the graph stands by: a rejected relation stays on the
        # page, marked, but is not told
        told: dict[str, list[dict]] = {}
        for rel in relations:
            if not rel["rejected"]:
                told.setdefault(rel["group"], []).append(rel["other"])
        page["summary"] = summarize({**page, "lineage": told})
        return page

    # -- browse pages (api/browse.py) -------------------------------------------------------
    def browse_labels(self) -> list[dict]:
        return browse_module.labels(self)

    def browse(self, label: str, **filters) -> dict:
        return browse_module.browse(self, label, **filters)

    # -- lineage and named queries -----------------------------------------------------------
    def lineage(self, name: str, params: dict[str, Any]) -> dict:
        params = {k: v for k, v in params.items() if v not in (None, "")}
        for param in ENTITY_PARAMS[name]:
            if param not in params:
                raise ApiError(400, f"/lineage/{name} needs the parameter {param!r}",
                               param=param)
            params[param] = self.require_known(str(params[param]), param)
        return self.run_named(name, params)

    def list_queries(self) -> list[dict]:
        return [{"name": q.name, "description": q.description, "params": list(q.params),
                 "optional": q.optional, "returns": list(q.returns)}
                for q in sorted(named_queries.catalog().values(), key=lambda q: q.name)]

    def run_named(self, name: str, params: dict[str, Any]) -> dict:
        query = named_queries.get(name)  # QueryError → 400 for an unknown name
        for key, value in params.items():
            if not isinstance(value, (str, int, float, bool, list)) or (
                    isinstance(value, list) and not all(isinstance(v, (str, int, float))
                                                        for v in value)):
                raise ApiError(400, f"parameter {key!r} must be a string, a number or a "
                                    "list of them", param=key)
        rows = self._run(name, params)
        rows, truncated = self._limit_rows(rows)
        result = {"query": name, "description": query.description, "params": params,
                  "columns": list(query.returns), "rows": rows, "count": len(rows),
                  "truncated": truncated}
        self._check_size(result)
        return result

    # -- ask ---------------------------------------------------------------------------------
    def ask(self, question: str) -> dict:
        meaning = ask_module.parse(question)
        if meaning is None:
            return {"question": question, "understood": False,
                    "message": "I did not understand the question. The questions I answer "
                               "that look most like it are shaped like these (any entity "
                               "name works):",
                    "closest": ask_module.closest(question),
                    "examples": ask_module.EXAMPLES}
        summary = meaning.query == ask_module.SUMMARY
        params = dict(meaning.params)
        unknown, found = {}, {}
        for param in ("name",) if summary else ENTITY_PARAMS.get(meaning.query, ()):
            rows, spelling = self.resolve(params[param])
            if rows:
                params[param], found[param] = spelling, rows
            else:
                unknown[param] = params[param]
        answer = {"question": question, "understood": True, "query": meaning.query,
                  "params": params, "template": meaning.template,
                  "description": "A one-paragraph summary written from the graph's facts"
                  if summary else named_queries.get(meaning.query).description}
        if unknown:
            answer.update(rows=[], count=0, unknown=unknown,
                          message="I understood the question but do not know "
                                  + " or ".join(repr(v) for v in unknown.values()),
                          suggestions={p: self.suggestions(v) for p, v in unknown.items()})
            return answer
        if summary:
            # a name shared by several entities: the first (by label), the rest named
            first, *others = found["name"]
            entity = self.entity(first["label"], first["key"])
            answer.update(rows=[], count=0, summary=entity["summary"],
                          entity={k: entity[k] for k in ("name", "label", "key", "url")},
                          also=[{"name": o["name"], "label": o["label"], "key": o["key"],
                                 "url": entity_url(o["label"], o["key"])} for o in others])
            return answer
        result = self.run_named(meaning.query, params)
        answer.update(rows=result["rows"], count=result["count"],
                      truncated=result["truncated"])
        return answer

    # -- analysts' Cypher ---------------------------------------------------------------------
    def cypher(self, query: str, params: dict | None = None, *, timeout: float | None = None,
               limit: int | None = None) -> dict:
        if not query or not query.strip():
            raise ApiError(400, "the query is empty")
        if params is not None and not isinstance(params, dict):
            raise ApiError(400, "params must be a JSON object")
        timeout = min(timeout or self.settings.cypher_timeout, self.settings.cypher_timeout)
        limit = min(limit or self.settings.max_rows, self.settings.max_rows)
        started = time.monotonic()
        try:
            with metrics.time_store_query("cypher", self.store.backend):
                rows = self.store.read_only(query, params or {}, timeout=timeout,
                                            limit=limit + 1)
        except QueryRefused as exc:
            raise ApiError(403, str(exc), title="Read-only endpoint") from exc
        except ReadOnlyViolation as exc:
            raise ApiError(403, f"{exc}. Use the ingest pipeline to change the graph.",
                           title="Read-only endpoint") from exc
        except QueryTimeout as exc:
            if time.monotonic() - started < timeout / 2:
                # not a timeout: an error message that merely mentions one (e.g. a
                # query containing the word TIMEOUT)
                raise ApiError(400, "the database could not run the query: "
                                    f"{exc.__cause__ or exc}") from exc
            raise ApiError(504, f"the query ran past {timeout}s and was stopped; add a "
                                "LIMIT or narrow the MATCH", timeout_s=timeout) from exc
        except StoreError as exc:
            if type(exc) is not StoreError:
                raise
            raise ApiError(400, f"the database could not run the query: {exc}") from exc
        rows, truncated = rows[:limit], len(rows) > limit
        result = {"rows": rows, "count": len(rows), "truncated": truncated, "limit": limit,
                  "timeout_s": timeout}
        self._check_size(result)
        return result

    # -- ingest and changes (the pipeline's modules are imported lazily) -------------------------
    def ingest(self, documents: list[dict]) -> dict:
        try:
            from ingest.pipeline import Ingestor
        except ImportError as exc:
            raise ApiError(503, f"ingest is not available in this build: {exc}") from exc
        from kg.errors import MalformedDocument
        from kg.models import Document
        docs = []
        for i, raw in enumerate(documents):
            try:  # the one parser of untrusted documents; it cleans the ids too
                docs.append(Document.from_dict(raw))
            except MalformedDocument as exc:
                raise ApiError(400, f"documents[{i}]: {exc.reason}") from exc

        def work(budget: Budget):
            budget.check()  # spent while queued behind another request: do nothing
            with self._ingest_lock:
                # one chunk: every document is extracted before anything is written
                ingestor = Ingestor(self.store, self._extractor, batch_docs=max(1, len(docs)),
                                    before_write=budget.start_writing)
                try:
                    return ingestor.ingest_documents(docs)
                finally:  # keep the loaded spaCy pipeline for the next request
                    self._extractor = getattr(ingestor, "_extractor", None) or self._extractor

        try:
            report = run_within(self._ingest_worker, Budget(self.settings.ingest_budget), work)
        except BudgetExceeded as exc:
            metrics.count_ingest_run("timeout")
            raise ApiError(503, str(exc), budget_s=self.settings.ingest_budget) from exc
        except Exception:
            metrics.count_ingest_run("failed")
            raise
        data = report.as_dict() if hasattr(report, "as_dict") else dict(vars(report))
        metrics.record_ingest_report(data)
        return data

    def changes(self, since: str) -> dict:
        try:
            datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            raise ApiError(400, f"since={since!r} is not an ISO date or datetime, e.g. "
                                "2026-01-01 or 2026-01-01T00:00:00+00:00",
                           param="since") from None
        try:
            from ingest.changes import changelog
        except ImportError as exc:
            raise ApiError(503, f"the change log is not available in this build: {exc}") \
                from exc
        result = changelog(self.store, since)
        self._check_size(result)
        return result

    # -- curation (kg.curation; the routes' models are in api.curation) -----------------------
    def curator(self):
        from kg.curation import Curator
        return Curator(self.store)

    # -- health --------------------------------------------------------------------------------
    def health(self) -> dict:
        with metrics.time_store_query("counts", self.store.backend):
            nodes, edges = self.store.counts()
        return {"status": "ok", "backend": self.store.backend, "nodes": nodes, "edges": edges}


def _fact_id(lab: str, key: str, row: dict) -> str:
    """The relation's stable id (kg.curation.Fact), whichever end the page is on."""
    ends = [(lab, key), (row["label"], row["key"])]
    if row["direction"] == "in":
        ends.reverse()
    return "|".join((row["relation"], *ends[0], *ends[1]))


def _per_source(row: dict) -> dict[str, dict]:
    """Each source's extractor ("name version") and confidence, where the relation
    keeps them per source."""
    sources, extractors = row.get("sources") or [], row.get("extractors") or []
    confidences = row.get("confidences") or []
    if len(extractors) != len(sources) or len(confidences) != len(sources):
        return {}
    out = {}
    for sid, extractor, confidence in zip(sources, extractors, confidences):
        name, _, version = extractor.rpartition(" ")
        out[sid] = {"extractor": name or extractor, "extractor_version": version or None,
                    "confidence": confidence}
    return out


def _curation(row: dict) -> dict | None:
    if not row.get("curation"):
        return None
    return {"id": row["curation"], "action": row.get("curation_action"),
            "author": row.get("curated_by"), "at": row.get("curated_at"),
            "reason": row.get("curation_reason"), "reference": row.get("reference")}

