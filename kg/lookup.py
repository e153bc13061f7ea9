"""Finding entities by what a person typed: search, name resolution and close-name
suggestions. One implementation for the API (its 404s and ``/search``) and the CLI
(``kg query`` on an unknown name, ``kg search``), so both suggest the same names.

``Lookup`` takes a ``run(query_name, params) -> rows`` callable rather than a store,
so the API can pass its metered runner and the CLI ``store.run_query``.
"""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

from rapidfuzz import fuzz, process

from kg.errors import StoreError, UnknownName
from kg.keys import normalize_name
from kg.schema import label as check_label

Runner = Callable[[str, dict[str, Any]], list[dict]]

# The parameters of each named query that name an entity (resolved through aliases).
ENTITY_PARAMS: dict[str, tuple[str, ...]] = {
    "implementations": ("name",),
    "upstream": ("name",),
    "downstream": ("name",),
    "developers": ("name",),
    "introduced_in": ("name",),
    "authors": ("name",),
    "datasets": ("name",),
    "releases": ("organization",),
    "path": ("from", "to"),
    "mentions": ("name",),
    "neighbors": ("name",),
}


def entity_url(label: str, key: str) -> str:
    return f"/entities/{quote(str(label), safe='')}/{quote(str(key), safe='')}"


class Lookup:
    def __init__(self, run: Runner):
        self._run = run

    def search(self, q: str, label: str | None = None, limit: int = 10) -> list[dict]:
        """The ``search`` named query's rows, each with its entity page URL."""
        if label:
            check_label(label)  # SchemaError for a label outside the schema
        limit = max(1, min(int(limit), 100))
        rows = self._run("search", {"q": q, "label": label or "", "limit": limit})
        for row in rows:
            row["url"] = entity_url(row["label"], row["key"])
        return rows

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
        """The spelling of ``name`` the graph knows; ``UnknownName`` (with
        suggestions) if it knows none."""
        rows, spelling = self.resolve(name)
        if not rows:
            raise UnknownName(name, param, self.suggestions(name))
        return spelling

    def require_known_params(self, query: str, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` with every entity-naming parameter of ``query`` resolved to the
        spelling the graph knows (absent ones are left to the query's own check)."""
        checked = dict(params)
        for param in ENTITY_PARAMS.get(query, ()):
            value = checked.get(param)
            if isinstance(value, str) and normalize_name(value):
                checked[param] = self.require_known(value, param)
        return checked


def format_suggestions(suggestions: list[dict]) -> str:
    """``GreyKite (Library), Greykite Labs (Organization)`` for a one-line message."""
    return ", ".join(f"{s['name']} ({s['label']})" for s in suggestions)


def _fold(text: str) -> str:
    return normalize_name(text) if isinstance(text, str) else text
