"""Neo4j's dialect: the only place its Cypher differs from FalkorDB's.

- shortest paths: ``shortestPath`` over the schema's relation types, undirected;
- full-text: one Lucene index over entity names and aliases (``term*`` prefix,
  ``term~1`` fuzzy);
- schema: ``CREATE CONSTRAINT … REQUIRE … IS UNIQUE`` and ``IF NOT EXISTS`` DDL.
"""
from __future__ import annotations

import re

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
        f"CREATE CONSTRAINT mlkg_source_id IF NOT EXISTS "
        f"FOR (n:{SOURCE_LABEL}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX mlkg_entity_key IF NOT EXISTS FOR (n:{ENTITY_LABEL}) ON (n.key)",
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{ENTITY_LABEL}) ON EACH [n.name, n.aliases_text]",
    ]
    return statements
