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
    (``HF`` → the node of Hugging Face), same label only; keys stay stable."""
    norms = sorted({normalize_name(e.name) for e in batch.entities if e.label != "Paper"})
    if not norms:
        return batch
    known: dict[tuple[str, str], str] = {}
    for row in store.run_query("resolve_aliases", {"norms": norms}):
        known.setdefault((row["label"], row["norm"]), row["key"])
    remap: dict[tuple[str, str], EntityRef] = {}
    for entity in batch.entities:
        target = known.get((str(entity.label), normalize_name(entity.name)))
        if target and target != entity.key:
            ref = EntityRef(entity.label, target, entity.name)
            remap[(entity.label, entity.key)] = ref
    if not remap:
        return batch

    def fix(ref: EntityRef) -> EntityRef:
        return remap.get((ref.label, ref.key), ref)

    entities = []
    for entity in batch.entities:
        ref = remap.get((entity.label, entity.key))
        if ref is not None:
            # keep the graph's canonical name: write under the existing key
            entity = _KeyedEntity(entity.label, entity.name, entity.aliases, entity.props,
                                  fixed_key=ref.key)
        entities.append(entity)
    relations = [Relation(r.type, fix(r.head), fix(r.tail), r.evidence) for r in batch.relations]
    mentions = [Mention(m.source_id, fix(m.entity), m.snippet) for m in batch.mentions]
    return GraphBatch(batch.sources, entities, relations, mentions)


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
