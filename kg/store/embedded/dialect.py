"""FalkorDB's dialect: the only place its Cypher differs from Neo4j's.

- shortest paths: ``shortestPath`` is directed-only there, so an undirected
  shortest path uses the ``algo.SPpaths`` procedure;
- full-text: ``db.idx.fulltext.*`` (RediSearch syntax: ``term*`` prefix,
  ``%term%`` one-edit fuzzy);
- schema: range indexes via ``CREATE INDEX``; uniqueness through ``GRAPH.CONSTRAINT``.
"""
from __future__ import annotations

import re

from kg.identifiers import IDENTIFIER_PROPS
from kg.schema import ENTITY_LABEL, Label, RelType, SOURCE_LABEL
from kg.store.writes import ALIAS_LABEL

SCHEMA_RELATIONS = "[" + ", ".join(f"'{t}'" for t in RelType) + "]"


PATH_LENGTH_PARAM = "path_length"
_DEEPENED = re.compile(r"maxLen: coalesce\(\$%s, (\d+)\)" % PATH_LENGTH_PARAM)


def shortest_path(a: str, b: str, var: str, max_len: str) -> str:
    # algo.SPpaths explores every path up to maxLen even after it found a shorter one
    # (1.4 s at maxLen 6 against 0.8 ms at 3 between two names 3 apart on the 100 k-document
    # store): the store asks with $path_length 1, 2, … up to the bound and stops at the first
    # answer (``deepening_bound``); run as written with $path_length null, it searches to the bound
    return (f"CALL algo.SPpaths({{sourceNode: {a}, targetNode: {b}, "
            f"relTypes: {SCHEMA_RELATIONS}, maxLen: coalesce(${PATH_LENGTH_PARAM}, {int(max_len)}), "
            f"relDirection: 'both'}}) YIELD path AS {var}")


def deepening_bound(query: str) -> int | None:
    """The longest path a rendered query searches when it is run with ``$path_length``
    1, 2, … (iterative deepening), or None for a query without a shortest path."""
    m = _DEEPENED.search(query)
    return int(m.group(1)) if m else None


def fulltext_entities(query_param: str) -> str:
    """Yields ``node`` and ``score``."""
    return (f"CALL db.idx.fulltext.queryNodes('{ENTITY_LABEL}', {query_param}) "
            f"YIELD node, score")


FRAGMENTS = {"shortest_path": shortest_path, "fulltext_entities": fulltext_entities}

_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def fulltext_query(text: str) -> str:
    """Each word as a prefix, and (from 4 letters) as a one-typo fuzzy term."""
    terms = _TERM.findall(text.lower())
    if not terms:
        return ""  # nothing searchable: the caller answers "no results" without asking
    parts = []
    for term in terms:
        parts.append(f"({term}*|%{term}%)" if len(term) >= 4 else f"{term}*")
    return " ".join(parts)


# (label, property) pairs that need an exact-match index.
RANGE_INDEXES = ([(str(lab), "key") for lab in Label]
                 + [(ENTITY_LABEL, "key"), (ALIAS_LABEL, "norm"), (SOURCE_LABEL, "id")]
                 # search finds a node by an outside identifier (kg/identifiers.py)
                 + [(ENTITY_LABEL, prop) for prop in IDENTIFIER_PROPS])
UNIQUE = [(str(lab), "key") for lab in Label] + [(ALIAS_LABEL, "norm"), (SOURCE_LABEL, "id")]
FULLTEXT = (ENTITY_LABEL, ("name", "aliases_text"))


# Plan operators an analyst's read-only query may not hold (GRAPH.RO_QUERY already
# refuses writes, write procedures included). FalkorDB's plan does not name the
# procedure a ProcedureCall runs, so procedures are left to GRAPH.RO_QUERY.
_REFUSED_OPERATORS = {"Load CSV": "LOAD CSV (reads files and URLs)"}


_SCANNED_LABELS = re.compile(r":(\w+)")


def rescanned_labels(plan) -> set[str]:
    """Labels a GRAPH.EXPLAIN plan scans once per input row: a ``Node By Label Scan``
    with a child runs again for each row the child yields (``UNWIND $ids AS id MATCH
    (s:Source {id: id})`` before ``Source.id``'s index is built). A scan at a leaf
    runs once."""
    labels: set[str] = set()
    stack = [plan]
    while stack:
        op = stack.pop()
        if op.name == "Node By Label Scan" and op.children:
            labels.update(_SCANNED_LABELS.findall(str(op.args)))
        stack.extend(op.children)
    return labels


def plan_refusal(plan) -> str | None:
    """Why a GRAPH.EXPLAIN plan (falkordb ``Operation`` tree) may not run on the
    read-only path, or None."""
    stack = [plan]
    while stack:
        op = stack.pop()
        if op.name in _REFUSED_OPERATORS:
            return _REFUSED_OPERATORS[op.name]
        stack.extend(op.children)
    return None
