"""Batched write statements, shared by every backend.

Each builder returns ``(cypher, rows)`` pairs for ``UNWIND $rows AS row … MERGE``
on the stable keys. Labels and relation types are interpolated only after
passing the schema allowlist (``kg.schema.label`` / ``rel_type``); every value
travels as a parameter.

Idempotency: loading the same batch twice changes nothing but ``last_seen``.
Relations keep parallel lists ``sources``/``evidence`` and add only sources they
do not hold yet, so ``support`` counts distinct sources, never loads.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kg.keys import clean_identifier, normalize_name
from kg.models import Entity, GraphBatch, Mention, Relation, SourceDoc
from kg.schema import ENTITY_LABEL, MENTIONS, SOURCE_LABEL, label, rel_type

Statement = tuple[str, list[dict]]

ALIAS_LABEL = "Alias"
ALIAS_OF = "ALIAS_OF"

_SOURCES = f"""
UNWIND $rows AS row
MERGE (s:{SOURCE_LABEL} {{id: row.id}})
ON CREATE SET s.first_seen = row.seen
SET s.kind = row.kind, s.url = row.url, s.published = row.published,
    s.content_hash = row.content_hash, s.title = row.title, s.original_id = row.original_id,
    s.last_seen = row.seen
"""

# One MERGE and one SET per row, no WITH chain (the WITH steps between MERGE
# and SET cost throughput). Backends differ on whether a later SET item sees
# an earlier one, so the SET items are ordered such that no item reads a property
# an earlier item of the same SET wrote: each reads only its own old value or
# properties written by later items (or by ON CREATE SET, a separate clause).
# That gives the same result under either evaluation order.
_ENTITIES = """
UNWIND $rows AS row
MERGE (n:{label}:{entity} {{key: row.key}})
ON CREATE SET n.name = row.name, n.label = row.label, n.first_seen = row.seen
SET n += row.props,
    n.aliases_text = reduce(t = coalesce(n.name, row.name),
        a IN coalesce(n.aliases, []) + [a IN row.aliases WHERE NOT a IN coalesce(n.aliases, [])
                                         AND a <> coalesce(n.name, row.name)] | t + ' | ' + a),
    n.aliases = coalesce(n.aliases, []) + [a IN row.aliases WHERE NOT a IN coalesce(n.aliases, [])
                                           AND a <> coalesce(n.name, row.name)],
    n.last_seen = row.seen
"""

_ALIASES = f"""
UNWIND $rows AS row
MATCH (n:{{label}} {{{{key: row.key}}}})
MERGE (a:{ALIAS_LABEL} {{{{norm: row.norm}}}})
MERGE (a)-[:{ALIAS_OF}]->(n)
"""

# Same ordering rule: evidence and support read the old sources before sources
# is rewritten; each of sources/confidence reads only its own old value.
# ``extractors`` ("name version") and ``confidences`` run parallel to ``sources``,
# so `kg why` can say which extractor found the fact in each source.
_RELATIONS = """
UNWIND $rows AS row
MATCH (h:{head} {{key: row.head}})
MATCH (t:{tail} {{key: row.tail}})
MERGE (h)-[r:{rtype}]->(t)
ON CREATE SET r.first_seen = row.seen
SET r.evidence = coalesce(r.evidence, []) + [i IN range(0, size(row.sources) - 1)
        WHERE NOT row.sources[i] IN coalesce(r.sources, []) | row.evidence[i]],
    r.extractors = coalesce(r.extractors, []) + [i IN range(0, size(row.sources) - 1)
        WHERE NOT row.sources[i] IN coalesce(r.sources, []) | row.extractors[i]],
    r.confidences = coalesce(r.confidences, []) + [i IN range(0, size(row.sources) - 1)
        WHERE NOT row.sources[i] IN coalesce(r.sources, []) | row.confidences[i]],
    r.support = size(coalesce(r.sources, []))
        + size([s IN row.sources WHERE NOT s IN coalesce(r.sources, [])]),
    r.sources = coalesce(r.sources, []) + [s IN row.sources WHERE NOT s IN coalesce(r.sources, [])],
    r.confidence = CASE WHEN row.confidence > coalesce(r.confidence, 0.0) THEN row.confidence
                        ELSE coalesce(r.confidence, 0.0) END,
    r.extractor = row.extractor, r.extractor_version = row.extractor_version,
    r.last_seen = row.seen
"""

_MENTIONS = f"""
UNWIND $rows AS row
MATCH (s:{SOURCE_LABEL} {{{{id: row.source}}}})
MATCH (n:{{label}} {{{{key: row.key}}}})
MERGE (s)-[m:{MENTIONS}]->(n)
SET m.snippet = row.snippet
"""


def _chunks(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _clean(props: dict) -> dict:
    """Neo4j and FalkorDB store no nulls and no nested maps: drop/flatten them."""
    out = {}
    for key, value in props.items():
        if value is None or key in {"key", "name", "label", "aliases", "first_seen", "last_seen"}:
            continue
        if isinstance(value, (list, tuple)):
            value = [str(v) for v in value if v is not None]
        elif not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[key] = value
    return out


def source_statements(sources: list[SourceDoc], seen: str, size: int) -> Iterator[Statement]:
    # source ids are cleaned again here, at the store's edge (idempotent), so a
    # SourceDoc/Mention/Evidence built by hand cannot reach the store uncleaned
    rows = [{"id": clean_identifier(s.id), "kind": s.kind, "url": s.url, "published": s.published,
             "content_hash": s.content_hash, "title": s.title, "original_id": s.original_id,
             "seen": seen}
            for s in sources]
    for chunk in _chunks(rows, size):
        yield _SOURCES, chunk


def entity_statements(entities: list[Entity], seen: str, size: int) -> Iterator[Statement]:
    by_label: dict[str, dict[str, dict]] = defaultdict(dict)
    alias_rows: dict[str, list[dict]] = defaultdict(list)
    for entity in entities:
        lab = label(entity.label)
        row = by_label[lab].get(entity.key)
        if row is None:  # one row per key, so a batch never races itself
            row = {"key": entity.key, "name": entity.name, "label": str(lab),
                   "aliases": [], "props": {}, "seen": seen}
            by_label[lab][entity.key] = row
        row["props"].update(_clean(entity.props))
        for alias in entity.aliases:
            if alias != row["name"] and alias not in row["aliases"]:
                row["aliases"].append(alias)
    for lab, rows in by_label.items():
        query = _ENTITIES.format(label=lab, entity=ENTITY_LABEL)
        for chunk in _chunks(list(rows.values()), size):
            yield query, chunk
        for row in rows.values():
            norms = {normalize_name(n) for n in [row["name"], *row["aliases"]]}
            arxiv_id = row["props"].get("arxiv_id")
            if arxiv_id:
                norms.add(normalize_name(arxiv_id))
            alias_rows[lab].extend({"key": row["key"], "norm": n} for n in sorted(norms) if n)
    for lab, rows in alias_rows.items():
        query = _ALIASES.format(label=lab)
        for chunk in _chunks(rows, size):
            yield query, chunk


def relation_statements(relations: list[Relation], seen: str, size: int) -> Iterator[Statement]:
    grouped: dict[tuple[str, str, str], dict[tuple[str, str], dict]] = defaultdict(dict)
    for rel in relations:
        shape = (str(rel_type(rel.type)), str(label(rel.head.label)), str(label(rel.tail.label)))
        row = grouped[shape].get((rel.head.key, rel.tail.key))
        if row is None:
            row = {"head": rel.head.key, "tail": rel.tail.key, "sources": [], "evidence": [],
                   "extractors": [], "confidences": [], "confidence": 0.0, "seen": seen}
            grouped[shape][(rel.head.key, rel.tail.key)] = row
        ev = rel.evidence
        source_id = clean_identifier(ev.source_id)
        if source_id not in row["sources"]:
            row["sources"].append(source_id)
            row["evidence"].append(ev.sentence)
            row["extractors"].append(f"{ev.extractor} {ev.extractor_version}")
            row["confidences"].append(float(ev.confidence))
        row["confidence"] = max(row["confidence"], float(ev.confidence))
        row["extractor"], row["extractor_version"] = ev.extractor, ev.extractor_version
    for (rtype, head, tail), rows in grouped.items():
        query = _RELATIONS.format(head=head, tail=tail, rtype=rtype)
        for chunk in _chunks(list(rows.values()), size):
            yield query, chunk


def mention_statements(mentions: list[Mention], size: int) -> Iterator[Statement]:
    by_label: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)
    for m in mentions:
        lab = str(label(m.entity.label))
        source_id = clean_identifier(m.source_id)
        by_label[lab].setdefault((source_id, m.entity.key),
                                 {"source": source_id, "key": m.entity.key,
                                  "snippet": m.snippet[:500]})
    for lab, rows in by_label.items():
        query = _MENTIONS.format(label=lab)
        for chunk in _chunks(list(rows.values()), size):
            yield query, chunk


def batch_statements(batch: GraphBatch, seen: str, size: int = 2000) -> Iterator[Statement]:
    """Every statement for a batch, in dependency order (nodes before edges)."""
    yield from source_statements(batch.sources, seen, size)
    yield from entity_statements(batch.entities, seen, size)
    yield from relation_statements(batch.relations, seen, size)
    yield from mention_statements(batch.mentions, size)
