"""Neo4j's dialect: the only place its Cypher differs from FalkorDB's.

- shortest paths: ``shortestPath`` over the schema's relation types, undirected;
- full-text: one Lucene index over entity names and aliases (``term*`` prefix,
  ``term~1`` fuzzy);
- schema: ``CREATE CONSTRAINT … REQUIRE … IS UNIQUE`` and ``IF NOT EXISTS`` DDL.
"""
from __future__ import annotations

import re

from kg.identifiers import IDENTIFIER_PROPS
from kg.schema import ENTITY_LABEL, Label, RelType, SOURCE_LABEL
from kg.store.writes import ALIAS_LABEL

FULLTEXT_INDEX = "mlkg_entity_names"
_REL_ALTERNATION = "|".join(str(t) for t in RelType)


def shortest_path(a: str, b: str, var: str, max_len: str) -> str:
    return f"MATCH {var} = shortestPath(({a})-[:{_REL_ALTERNATION}*..{int(max_len)}]-({b}))"


def fulltext_entities(query_param: str) -> str:
    """Yields ``node`` and ``score``."""
    return f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', {query_param}) YIELD node, score"


FRAGMENTS = {"shortest_path": shortest_path, "fulltext_entities": fulltext_entities}

_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def fulltext_query(text: str) -> str:
    """Every word must match, as a prefix or (from 4 letters) within one edit."""
    terms = _TERM.findall(text.lower())
    if not terms:
        return ""  # nothing searchable: the caller answers "no results" without asking
    parts = [f"+({t}* OR {t}~1)" if len(t) >= 4 else f"+{t}*" for t in terms]
    return " ".join(parts)


def schema_statements() -> list[str]:
    statements = [
        f"CREATE CONSTRAINT mlkg_{lab.lower()}_key IF NOT EXISTS "
        f"FOR (n:{lab}) REQUIRE n.key IS UNIQUE" for lab in Label
    ]
    statements += [
        f"CREATE CONSTRAINT mlkg_alias_norm IF NOT EXISTS "
        f"FOR (n:{ALIAS_LABEL}) REQUIRE n.norm IS UNIQUE",
        "CREATE CONSTRAINT mlkg_ingest_lock IF NOT EXISTS "
        "FOR (n:IngestLock) REQUIRE n.id IS UNIQUE",
        f"CREATE CONSTRAINT mlkg_source_id IF NOT EXISTS "
        f"FOR (n:{SOURCE_LABEL}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX mlkg_entity_key IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.key)",
        # search finds a node by an outside identifier (kg/identifiers.py)
        *(f"CREATE INDEX mlkg_entity_{prop} IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.{prop})"
          for prop in IDENTIFIER_PROPS),
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{ENTITY_LABEL}) ON EACH [n.name, n.aliases_text]",
    ]
    return statements


# -- what an analyst's read-only query may contain (checked on the EXPLAIN plan) --------
# Schema introspection and the full-text index only: no procedure that reads server
# state (dbms.*), other sessions (transactions) or anything outside the graph.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
    "db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
})
# Plan operators that are never read-only in the sense of this endpoint, even when
# Neo4j classifies the query as 'r': files and URLs, server and session
# administration (SHOW TRANSACTIONS/SETTINGS/…, TERMINATE TRANSACTIONS).
_REFUSED_OPERATORS = {"LoadCSV": "LOAD CSV (reads files and URLs)",
                      "AdministrationCommand": "an administration command"}
_REFUSED_PREFIXES = ("Show", "Terminate")


def plan_refusal(plan: dict, database: str) -> str | None:
    """Why the EXPLAIN ``plan`` (the driver's dict) may not run on the read-only
    path, or None. ``database`` is the one the session is bound to."""
    stack = [plan]
    while stack:
        op = stack.pop()
        name, _, runs_on = str(op.get("operatorType", "")).partition("@")
        if runs_on and runs_on != database:
            return f"the query runs on database {runs_on!r}; only {database!r} is readable here"
        if name in _REFUSED_OPERATORS:
            return _REFUSED_OPERATORS[name]
        if name.startswith(_REFUSED_PREFIXES):
            return f"an administration command ({name})"
        if name == "ProcedureCall":
            details = str((op.get("args") or {}).get("Details", ""))
            procedure = details.split("(", 1)[0].strip()
            if procedure not in READ_PROCEDURES:
                return (f"the procedure {procedure or details!r} (allowed: "
                        f"{', '.join(sorted(READ_PROCEDURES))})")
        stack.extend(op.get("children") or [])
    return None
