"""Annotated documents as the extractor sees them.

The annotator marked spans in the raw *view* (title + text, markup included); the
pipeline reads the cleaned text that ``pipeline.prepare`` makes (markup removed,
title first). Each annotated surface is found again in that text, so the model
trains on exactly the string it will meet at run time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.models import Document
from ingest.extract.training.standoff import (AnnotatedDoc, find_spans, load_texts, read_standoff,
                                              view_of)


@dataclass(slots=True)
class Span:
    start: int          # character offsets in PreparedDoc.text
    end: int
    label: str
    name: str           # the entity this span names


@dataclass(slots=True)
class PreparedDoc:
    id: str
    kind: str
    split: str
    folder: str
    text: str
    info: dict                              # pipeline metadata (kind, links, title span)
    spans: list[Span] = field(default_factory=list)        # non-overlapping, sorted
    optional: list[Span] = field(default_factory=list)     # borderline: not taught either way
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    source: dict = field(default_factory=dict)             # the corpus item
    # every annotated entity: (label, name, surfaces, optional) — also the names that
    # ``spans`` leaves out because they sit inside a longer one (a model in a title)
    entities: list[tuple[str, str, frozenset, bool]] = field(default_factory=list)


def document_of(item: dict) -> Document:
    """A corpus item as the readers would make it (only the fields extraction uses)."""
    return Document(id=str(item["id"]), kind=str(item.get("kind") or "newsletter"),
                    text=item.get("text") or "", title=item.get("title"),
                    url=item.get("url"), arxiv_id=item.get("arxiv_id"))


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Longest first: a Paper title wins over the model name inside it."""
    taken: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= t.start or s.start >= t.end for t in taken):
            taken.append(s)
    return sorted(taken, key=lambda s: s.start)


def prepare_annotated(doc: AnnotatedDoc, item: dict) -> PreparedDoc:
    from ingest.extract.pipeline import prepare   # late: the pipeline imports the components
    view = view_of(item)
    text, info = prepare(document_of(item))
    spans, optional, entities = [], [], []
    for ent in doc.entities:
        surfaces = {view[s:e] for s, e in ent.spans}
        entities.append((ent.label, ent.name, frozenset(surfaces), bool(ent.optional)))
        for surface in surfaces:
            for s, e in find_spans(text, surface):
                (optional if ent.optional else spans).append(Span(s, e, ent.label, ent.name))
    return PreparedDoc(doc.id, str(item.get("kind") or "newsletter"), doc.split, doc.folder, text, info,
                       _non_overlapping(spans), optional, list(doc.relations), item, entities)


def load_prepared(annotations_dir: Path, corpus_dir: Path, splits=("train",),
                  one_per_doc: bool = True) -> list[PreparedDoc]:
    """Prepared documents of the given splits. A document annotated twice is used once
    (the adjudicated record if there is one, else the first annotator's)."""
    docs = [d for d in read_standoff(annotations_dir) if d.split in splits]
    if one_per_doc:
        chosen: dict[str, AnnotatedDoc] = {}
        for d in docs:
            if d.id not in chosen or d.annotator == "adjudicated":
                chosen[d.id] = d
        docs = list(chosen.values())
    items = load_texts(corpus_dir, docs)
    return [prepare_annotated(d, items[d.id]) for d in sorted(docs, key=lambda d: d.id)]
