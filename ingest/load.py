"""The load stage: documents and their extractions → one ``GraphBatch``.

Adds what metadata states outright (an arXiv record's Paper with its id,
abstract, categories, DOI and AUTHORED_BY edges), a MENTIONS edge with a snippet
from each source to each entity it yields, and maps entities onto nodes the
graph already knows under another surface form (an alias).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from kg.keys import normalize_name
from kg.models import (Document, Entity, EntityRef, GraphBatch, Mention, Relation,
                       SourceDoc)
from kg.store import GraphStore
from ingest.extract import EXTRACTOR_NAME, Extraction
from ingest.extract.metadata import add_metadata
from ingest.resolve import compatible

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def snippet_for(name: str, text: str, width: int = 300) -> str:
    """The first sentence of ``text`` that names the entity, else its opening."""
    needle = name.casefold()
    for sentence in _SENTENCE.split(text):
        if needle in sentence.casefold():
            return sentence.strip()[:width]
    return text.strip()[:width]


def _with_metadata(doc: Document, extraction: Extraction) -> tuple[list[Entity], list[Relation]]:
    """The extraction, with the record's Paper keyed by arXiv id (and its abstract) and
    its authors; the extractor adds these already, this covers extractions made elsewhere."""
    extraction = add_metadata(doc, extraction, with_abstract=True)
    return list(extraction.entities), list(extraction.relations)


def build_batch(pairs: Iterable[tuple[Document, Extraction]]) -> GraphBatch:
    batch = GraphBatch()
    for doc, extraction in pairs:
        batch.sources.append(SourceDoc.of(doc))
        entities, relations = _with_metadata(doc, extraction)
        text = f"{doc.title or ''}. {doc.text}" if doc.title else doc.text
        for entity in entities:
            batch.entities.append(entity)
            batch.mentions.append(Mention(doc.id, EntityRef.of(entity),
                                          snippet_for(entity.name, text)))
        batch.relations.extend(relations)
    return batch


def resolve_against_graph(batch: GraphBatch, store: GraphStore) -> GraphBatch:
    """Point entities at existing nodes that already carry their name as an alias
    (``HF`` → the node of Hugging Face), same label only; keys stay stable.

    A name that only an *incompatible* node answers to stays its own node (``BERT``
    never lands on a HuBERT that once got "BERT" as an alias; ``ResNet-18`` never on
    ResNet). When the name is new but one of its aliases is a node's name ("Text-to-Text
    Transfer Transformer (T5)" after a T5 node), the entity joins that node."""
    pending = [e for e in batch.entities if e.label != "Paper"]
    norms = sorted({normalize_name(n) for e in pending for n in (e.name, *e.aliases)} - {""})
    if not norms:
        return batch
    known: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in store.run_query("resolve_aliases", {"norms": norms}):
        known.setdefault((row["label"], row["norm"]), []).append((row["key"], row["name"]))
    remap: dict[tuple[str, str], EntityRef] = {}
    names: dict[tuple[str, str], str] = {}
    in_batch = _batch_names(pending)
    for entity in pending:
        target = _target(entity, known) or _batch_target(entity, in_batch)
        if target and target[0] != entity.key:
            remap[(entity.label, entity.key)] = EntityRef(entity.label, target[0], entity.name)
            names[(entity.label, entity.key)] = target[1]
    if not remap:
        return batch

    def fix(ref: EntityRef) -> EntityRef:
        return remap.get((ref.label, ref.key), ref)

    entities = []
    for entity in batch.entities:
        ref = remap.get((entity.label, entity.key))
        if ref is not None:
            # keep the graph's canonical name: write under the existing key, with only
            # the aliases that fit that name
            target_name = names[(entity.label, entity.key)]
            aliases = [a for a in [entity.name, *entity.aliases] if compatible(a, target_name)]
            entity = _KeyedEntity(entity.label, entity.name, aliases, entity.props,
                                  fixed_key=ref.key)
        entities.append(entity)
    relations = [Relation(r.type, fix(r.head), fix(r.tail), r.evidence) for r in batch.relations]
    mentions = [Mention(m.source_id, fix(m.entity), m.snippet) for m in batch.mentions]
    return GraphBatch(batch.sources, entities, relations, mentions)


def _batch_names(entities: list[Entity]) -> dict[tuple[str, str], dict[str, Entity]]:
    out: dict[tuple[str, str], dict[str, Entity]] = {}
    for e in entities:
        out.setdefault((str(e.label), normalize_name(e.name)), {})[e.key] = e
    return out


def _batch_target(entity: Entity, in_batch: dict) -> tuple[str, str] | None:
    """Another entity of the same batch whose name is one of this one's aliases (two
    documents loaded together: "T5" and "Text-to-Text Transfer Transformer (T5)"). When
    each names the other, the shorter key is the node."""
    label, own = str(entity.label), normalize_name(entity.name)
    for alias in entity.aliases:
        ka = normalize_name(alias)
        if not ka or ka == own or ka.startswith(own):
            continue
        others = [e for k, e in in_batch.get((label, ka), {}).items() if k != entity.key]
        if len(others) != 1 or not compatible(entity.name, others[0].name):
            continue
        other = others[0]
        mutual = any(normalize_name(a) == own for a in other.aliases)
        if not mutual or (len(other.key), other.key) < (len(entity.key), entity.key):
            return other.key, other.name
    return None


def _target(entity: Entity, known: dict) -> tuple[str, str] | None:
    """The existing node (key, name) this entity is, or None."""
    label, own = str(entity.label), normalize_name(entity.name)
    hits = [(k, n) for k, n in known.get((label, own), []) if compatible(entity.name, n)]
    exact = [h for h in hits if h[0] == entity.key]
    if exact or len(hits) == 1:
        return (exact or hits)[0]
    if hits:
        return None             # the name answers to several nodes: do not guess
    for alias in entity.aliases:
        ka = normalize_name(alias)
        if not ka or ka.startswith(own):
            continue            # ResNet-18 is a variant of ResNet, not ResNet itself
        hits = [(k, n) for k, n in known.get((label, ka), [])
                if normalize_name(n) == ka and compatible(entity.name, n)]
        if len(hits) == 1:
            return hits[0]
    return None


class _KeyedEntity(Entity):
    """An entity written under an existing node's key: its name already answers to that
    node through an Alias, so the graph's canonical name stays."""
    __slots__ = ("fixed_key",)

    def __init__(self, label, name, aliases, props, *, fixed_key: str):
        super().__init__(label, name, list(aliases), dict(props))
        self.fixed_key = fixed_key

    @property
    def key(self) -> str:
        return self.fixed_key


__all__ = ["build_batch", "resolve_against_graph", "snippet_for", "EXTRACTOR_NAME"]
