"""Named Cypher queries, one ``.cypher`` file each.

A file starts with ``//`` header lines::

    // Libraries that implement an architecture or paper.
    // params: name
    // returns: library

The body is Cypher shared by every backend. The few constructs whose syntax
differs between backends are written as ``{{fragment arg …}}`` placeholders and
expanded by the backend's dialect (``kg/store/<backend>/dialect.py``), the one
place where such differences live. For every string parameter ``p`` the runner
also passes ``p_key``, its normalized form, which is what ``Alias.norm`` holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.errors import QueryError

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)((?:\s+[^\s}]+)*)\s*\}\}")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[str, ...]
    optional: dict[str, str]  # optional params and their defaults, as text
    returns: tuple[str, ...]
    template: str

    def render(self, fragments: dict) -> str:
        """Expand ``{{fragment args}}`` with a backend's fragment builders."""
        def expand(match: re.Match) -> str:
            builder = fragments.get(match.group(1))
            if builder is None:
                raise QueryError(f"query {self.name!r}: unknown fragment {match.group(1)!r}")
            return builder(*match.group(2).split())
        return _PLACEHOLDER.sub(expand, self.template)


def _parse(name: str, text: str) -> NamedQuery:
    description: list[str] = []
    params: tuple[str, ...] = ()
    optional: dict[str, str] = {}
    returns: tuple[str, ...] = ()
    body: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") and not body:
            content = stripped[2:].strip()
            field, _, value = content.partition(":")
            if field == "params":
                params = tuple(p.strip() for p in value.split(",") if p.strip())
            elif field == "optional":
                for item in value.split(","):
                    key, _, default = item.strip().partition("=")
                    if key:
                        optional[key.strip()] = default.strip()
            elif field == "returns":
                returns = tuple(p.strip() for p in value.split(",") if p.strip())
            elif content:
                description.append(content)
        elif stripped or body:
            body.append(line)
    return NamedQuery(name, " ".join(description), params, optional, returns,
                      "\n".join(body).strip())


@cache
def catalog() -> dict[str, NamedQuery]:
    """All named queries shipped in this package, by name."""
    found = {}
    for entry in resources.files(__name__).iterdir():
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            found[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return found


def get(name: str) -> NamedQuery:
    try:
        return catalog()[name]
    except KeyError:
        raise QueryError(
            f"unknown query {name!r}; known: {', '.join(sorted(catalog()))}") from None
