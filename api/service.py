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

from rapidfuzz import fuzz, process

import queries as named_queries
from api import ask as ask_module
from api import metrics
from api.budget import Budget, run_within
from api.errors import ApiError, NotFound
from api.settings import Settings
from kg.errors import (BudgetExceeded, QueryRefused, QueryTimeout, ReadOnlyViolation,
                       SchemaError, StoreError)
from kg.keys import normalize_name
from kg.schema import Label, label as check_label

# The lineage routes: route name = named query; the parameters that name entities.
LINEAGE = {
    "implementations": ("name",),
    "upstream": ("name",),
    "downstream": ("name",),
    "developers": ("name",),
    "introduced_in": ("name",),
    "releases": ("organization",),
    "path": ("from", "to"),
    "mentions": ("name",),
    "neighbors": ("name",),
}

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



def entity_url(label: str, key: str) -> str:
    from urllib.parse import quote
    return f"/entities/{quote(str(label), safe='')}/{quote(str(key), safe='')}"


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

    # -- search and suggestions ----------------------------------------------------------
    def search(self, q: str, label: str | None = None, limit: int = 10) -> dict:
        if label:
            check_label(label)
        limit = max(1, min(int(limit), 100))
        rows = self._run("search", {"q": q, "label": label or "", "limit": limit})
        for row in rows:
            row["url"] = entity_url(row["label"], row["key"])
        return {"q": q, "label": label or None, "results": rows}

    def suggestions(self, text: str, label: str | None = None, k: int = 5) -> list[dict]:
        """Close names for ``text``: full-text search candidates (typo tolerant), else
        every name, ranked by rapidfuzz's WRatio over names and aliases."""
        if not text or not normalize_name(text):
            return []
        candidates: dict[tuple[str, str], dict] = {}
        try:
            for row in self._run("search", {"q": text, "label": label or "", "limit": 25}):
                candidates[(row["label"], row["key"])] = {**row, "aliases": []}
        except StoreError:
            pass  # a query the full-text syntax rejects: fall back to every name
        if len(candidates) < k:
            # a bounded, unsorted sample: all of a small graph, never a scan of a large one
            for row in self._run("names", {"label": label or "", "limit": 2000}):
                candidates.setdefault((row["label"], row["key"]), row)
        choices: dict[int, str] = {}
        owners: list[dict] = []
        for row in candidates.values():
            for spelling in [row["name"], *(row.get("aliases") or [])]:
                choices[len(choices)] = spelling
                owners.append(row)
        best: dict[tuple[str, str], dict] = {}
        for spelling, score, index in process.extract(
                text, choices, scorer=fuzz.WRatio, processor=_fold, limit=len(choices)):
            if score < 60:
                continue
            row = owners[index]
            ident = (row["label"], row["key"])
            if ident not in best or score > best[ident]["score"]:
                best[ident] = {"name": row["name"], "label": row["label"], "key": row["key"],
                               "url": entity_url(row["label"], row["key"]),
                               "score": round(score, 1), "matched": spelling}
        return sorted(best.values(), key=lambda r: (-r["score"], r["name"]))[:k]

    def resolve(self, name: str) -> tuple[list[dict], str]:
        """The entities ``name`` resolves to, and the spelling that resolved (a leading
        article is dropped when only that resolves: "the Transformer")."""
        rows = self._run("resolve", {"name": name})
        if not rows and name.lower().startswith(("the ", "a ", "an ")):
            shorter = name.split(" ", 1)[1]
            rows = self._run("resolve", {"name": shorter})
            if rows:
                return rows, shorter
        return rows, name

    def require_known(self, name: str, param: str = "name") -> str:
        """The spelling of ``name`` the graph knows; 404 with suggestions if none."""
        if not normalize_name(name or ""):
            raise ApiError(400, f"parameter {param!r} must contain letters or digits",
                           param=param)
        rows, spelling = self.resolve(name)
        if not rows:
            raise NotFound(f"no entity is called {name!r}", param=param,
                           suggestions=self.suggestions(name))
        return spelling

    # -- the entity page ---------------------------------------------------------------------
    def entity(self, label: str, key: str) -> dict:
        try:
            lab = check_label(label)
        except SchemaError:
            raise NotFound(f"there is no entity type {label!r}",
                           allowed_labels=[str(x) for x in Label],
                           suggestions=self.suggestions(key)) from None
        found = self._run("entity", {"label": str(lab), "key": key})
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
            for sid, sentence in zip(row.get("sources") or [], row.get("evidence") or []):
                src = sources.get(sid, {"id": sid})
                evidence.append({"sentence": sentence,
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
                "evidence": evidence,
            })
        keys = {"key": props.get("key")}
        for extra in ("arxiv_id", "doi", "repo", "url", "homepage"):
            if props.get(extra):
                keys[extra] = props[extra]
        hidden = {"key", "name", "label", "aliases", "aliases_text", "first_seen", "last_seen"}
        lineage: dict[str, list[dict]] = {}
        for rel in relations:
            lineage.setdefault(rel["group"], []).append(rel["other"])
        return {
            "label": str(lab), "key": props.get("key"), "name": props.get("name"),
            "url": entity_url(str(lab), key),
            "aliases": props.get("aliases") or [], "keys": keys,
            "properties": {k: v for k, v in props.items() if k not in hidden},
            "first_seen": props.get("first_seen"), "last_seen": props.get("last_seen"),
            "lineage": lineage, "relations": relations,
            "sources": sorted(sources.values(),
                              key=lambda s: (s.get("published") or "", s["id"]), reverse=True),
        }

    # -- lineage and named queries -----------------------------------------------------------
    def lineage(self, name: str, params: dict[str, Any]) -> dict:
        params = {k: v for k, v in params.items() if v not in (None, "")}
        for param in LINEAGE[name]:
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
                    "message": "I did not understand the question. I answer questions "
                               "shaped like these examples (any entity name works):",
                    "examples": ask_module.EXAMPLES}
        params = dict(meaning.params)
        unknown = {}
        for param in LINEAGE.get(meaning.query, ()):
            rows, spelling = self.resolve(params[param])
            if rows:
                params[param] = spelling
            else:
                unknown[param] = params[param]
        answer = {"question": question, "understood": True, "query": meaning.query,
                  "params": params, "template": meaning.template,
                  "description": named_queries.get(meaning.query).description}
        if unknown:
            answer.update(rows=[], count=0, unknown=unknown,
                          message="I understood the question but do not know "
                                  + " or ".join(repr(v) for v in unknown.values()),
                          suggestions={p: self.suggestions(v) for p, v in unknown.items()})
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

    # -- health --------------------------------------------------------------------------------
    def health(self) -> dict:
        with metrics.time_store_query("counts", self.store.backend):
            nodes, edges = self.store.counts()
        return {"status": "ok", "backend": self.store.backend, "nodes": nodes, "edges": edges}


def _fold(text: str) -> str:
    return normalize_name(text) if isinstance(text, str) else text
