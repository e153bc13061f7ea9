"""Statements for curation, shared by both backends.

Curation records are ``(:Curation)`` nodes, apart from the extracted facts: no edge
joins them to the graph; they name what they curate by stable ids (an entity's
label and key; a relation's type, head and tail). What they do to the facts is a
few marks on the facts themselves (``rejected``, ``asserted``, ``curation``, …),
which the extractor's writes never touch, so a re-ingest keeps them; whatever a
re-ingest makes anew (a relation retracted then found again, a merged-away key
written again) is fixed by applying the active curations again after each load
(``kg.curation.apply_all``).

Labels and relation types reach Cypher only through the schema allowlist
(``kg.schema.label`` / ``rel_type``); every value travels as a parameter.
"""
from __future__ import annotations

from kg.schema import ENTITY_LABEL, MENTIONS, SOURCE_LABEL, label, rel_type
from kg.store.writes import ALIAS_LABEL, ALIAS_OF

CURATION_LABEL = "Curation"

# the marks a curation leaves on a relation or an entity (besides rejected/asserted)
MARKS = ("curation", "curated_by", "curated_at", "curation_reason", "curation_action")

CREATE = f"CREATE (c:{CURATION_LABEL}) SET c = $props"
GET = f"MATCH (c:{CURATION_LABEL} {{id: $id}}) RETURN properties(c) AS c"
SET_FIELDS = f"MATCH (c:{CURATION_LABEL} {{id: $id}}) SET c += $fields"
ACTIVE = f"""
MATCH (c:{CURATION_LABEL} {{status: 'active'}})
RETURN properties(c) AS c ORDER BY c.at, c.id
"""
LOG = f"""
MATCH (c:{CURATION_LABEL})
WHERE c.at >= $since OR coalesce(c.undone_at, '') >= $since
RETURN properties(c) AS c ORDER BY c.at DESC, c.id
LIMIT $limit
"""
FOR_FACT = f"""
MATCH (c:{CURATION_LABEL} {{target: 'relation', rel_type: $rtype, head_label: $hl,
                           head_key: $hk, tail_label: $tl, tail_key: $tk}})
RETURN properties(c) AS c ORDER BY c.at
"""
# the sources a fact cites (kg why)
SOURCES = f"""
UNWIND $ids AS sid
MATCH (s:{SOURCE_LABEL} {{id: sid}})
RETURN s.id AS id, s.title AS title, s.url AS url, s.kind AS kind, s.published AS published,
       s.first_seen AS first_seen
"""
FOR_ENTITY = f"""
MATCH (c:{CURATION_LABEL})
WHERE (c.label = $label AND c.key = $key) OR (c.other_label = $label AND c.other_key = $key)
RETURN properties(c) AS c ORDER BY c.at
"""


def _rel(rtype: str) -> str:
    return str(rel_type(rtype))


def _lab(value: str) -> str:
    return str(label(value))


# -- entities -------------------------------------------------------------------------
def entity(lab: str) -> str:
    """One entity's properties and the norms of its aliases."""
    return f"""
MATCH (n:{_lab(lab)} {{key: $key}})
OPTIONAL MATCH (a:{ALIAS_LABEL})-[:{ALIAS_OF}]->(n)
RETURN properties(n) AS props, collect(a.norm) AS norms
"""


def set_entity(lab: str) -> str:
    """Set entity properties (``$fields``; a null removes one)."""
    return f"MATCH (n:{_lab(lab)} {{key: $key}}) SET n += $fields"


def recreate_entity(lab: str) -> str:
    return (f"MERGE (n:{_lab(lab)}:{ENTITY_LABEL} {{key: $key}}) SET n = $props")


def relabel(old: str, new: str) -> str:
    return (f"MATCH (n:{_lab(old)} {{key: $key}}) REMOVE n:{_lab(old)} "
            f"SET n:{_lab(new)}, n.label = $new")


def add_alias(lab: str) -> str:
    return f"""
MATCH (n:{_lab(lab)} {{key: $key}})
MERGE (a:{ALIAS_LABEL} {{norm: $norm}})
MERGE (a)-[:{ALIAS_OF}]->(n)
"""


def drop_alias(lab: str) -> str:
    return (f"MATCH (:{ALIAS_LABEL} {{norm: $norm}})-[e:{ALIAS_OF}]->"
            f"(:{_lab(lab)} {{key: $key}}) DELETE e")


def move_aliases(src: str, dst: str) -> str:
    return f"""
MATCH (a:{ALIAS_LABEL})-[e:{ALIAS_OF}]->(:{_lab(src)} {{key: $src}})
WHERE a.norm IN $norms
MATCH (w:{_lab(dst)} {{key: $dst}})
MERGE (a)-[:{ALIAS_OF}]->(w)
DELETE e
"""


def mentions(lab: str) -> str:
    return f"""
MATCH (s:{SOURCE_LABEL})-[m:{MENTIONS}]->(:{_lab(lab)} {{key: $key}})
RETURN s.id AS source, m.snippet AS snippet
"""


def move_mentions(src: str, dst: str) -> str:
    return f"""
MATCH (s:{SOURCE_LABEL})-[m:{MENTIONS}]->(:{_lab(src)} {{key: $src}})
WHERE s.id IN $sources
MATCH (w:{_lab(dst)} {{key: $dst}})
MERGE (s)-[m2:{MENTIONS}]->(w)
ON CREATE SET m2.snippet = m.snippet
DELETE m
"""


def delete_entity(lab: str) -> str:
    """Delete a node a merge folded away (its facts, aliases and mentions moved first)."""
    return f"MATCH (n:{_lab(lab)} {{key: $key}}) DETACH DELETE n"


# -- relations ------------------------------------------------------------------------
def relations(lab: str) -> str:
    """Every relation of an entity, either direction, with its properties."""
    return f"""
MATCH (n:{_lab(lab)} {{key: $key}})-[r]-(m:{ENTITY_LABEL})
WHERE type(r) <> '{MENTIONS}' AND type(r) <> '{ALIAS_OF}'
RETURN type(r) AS type, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       m.label AS label, m.key AS key, properties(r) AS props
"""


def fact(rtype: str, head: str, tail: str) -> str:
    return f"""
MATCH (h:{_lab(head)} {{key: $hk}})-[r:{_rel(rtype)}]->(t:{_lab(tail)} {{key: $tk}})
RETURN properties(r) AS props, h.name AS head_name, t.name AS tail_name
"""


def mark_fact(rtype: str, head: str, tail: str) -> str:
    """Set marks on one relation (``$fields``; a null removes one)."""
    return (f"MATCH (:{_lab(head)} {{key: $hk}})-[r:{_rel(rtype)}]->"
            f"(:{_lab(tail)} {{key: $tk}}) SET r += $fields")


def assert_fact(rtype: str, head: str, tail: str) -> str:
    """An asserted relation: made if no source gave it (support 0, no sources), its
    endpoints marked ``curated`` so retraction of their last mention keeps them."""
    return f"""
MATCH (h:{_lab(head)} {{key: $hk}})
MATCH (t:{_lab(tail)} {{key: $tk}})
MERGE (h)-[r:{_rel(rtype)}]->(t)
ON CREATE SET r.first_seen = $at, r.last_seen = $at, r.support = 0, r.sources = [],
              r.evidence = [], r.extractors = [], r.confidences = []
SET r += $fields, h.curated = true, t.curated = true
"""


def put_fact(rtype: str, head: str, tail: str) -> str:
    """Write one relation with exactly these properties (a merge moving facts)."""
    return f"""
MATCH (h:{_lab(head)} {{key: $hk}})
MATCH (t:{_lab(tail)} {{key: $tk}})
MERGE (h)-[r:{_rel(rtype)}]->(t)
SET r = $props
"""


def delete_fact(rtype: str, head: str, tail: str) -> str:
    return (f"MATCH (:{_lab(head)} {{key: $hk}})-[r:{_rel(rtype)}]->"
            f"(:{_lab(tail)} {{key: $tk}}) DELETE r")


def add_mention(lab: str) -> str:
    return f"""
MATCH (s:{SOURCE_LABEL} {{id: $source}})
MATCH (n:{_lab(lab)} {{key: $key}})
MERGE (s)-[m:{MENTIONS}]->(n)
ON CREATE SET m.snippet = $snippet
"""
