"""Typed values that flow between the stages: sources → extract → resolve → load.

Plain dataclasses (no I/O); the API layer has its own pydantic models for HTTP.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from kg.keys import entity_key, normalize_name
from kg.schema import Label, RelType, check_endpoints, label as to_label, rel_type


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink inside a document: its target and its anchor text."""
    url: str
    text: str = ""


@dataclass(slots=True)
class Document:
    """One unit of text to extract from: a newsletter item, an arXiv record, a
    docs page. ``id`` is stable across re-reads of the same source."""
    id: str
    kind: str  # newsletter | arxiv | docs | list | feed | mail | …
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    arxiv_id: str | None = None
    links: list[Link] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    doi: str | None = None
    updated: str | None = None
    origin: str | None = None  # the issue/feed/file/API query this came from
    # which reader made it (``arxiv-api``, ``arxiv-oai``, ``arxiv-snapshot``, ``jsonl``):
    # the extractor name of facts taken from its structured fields
    reader: str | None = None
    repository: str | None = None  # ``owner/name`` of the code repository a docs page is from

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.kind, self.title or "", self.text, self.arxiv_id or "",
                     "|".join(self.authors), "|".join(self.categories)):
            h.update(part.encode("utf-8", "replace"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(slots=True)
class Entity:
    """A node: label, canonical name, aliases, and optional properties
    (``arxiv_id``, ``repo``, ``abstract``, ``categories``, ``doi``, …)."""
    label: Label
    name: str
    aliases: list[str] = field(default_factory=list)
    props: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.label = to_label(str(self.label))
        if not self.name or not normalize_name(self.name):
            raise ValueError(f"entity name {self.name!r} has no letters or digits")

    @property
    def key(self) -> str:
        return entity_key(self.label, self.name, self.props.get("arxiv_id"))


@dataclass(frozen=True, slots=True)
class EntityRef:
    label: Label
    key: str
    name: str = ""

    @classmethod
    def of(cls, entity: Entity) -> "EntityRef":
        return cls(entity.label, entity.key, entity.name)


@dataclass(slots=True)
class Evidence:
    """Where a relation was read: the source document and the sentence."""
    source_id: str
    sentence: str
    extractor: str
    extractor_version: str
    confidence: float


@dataclass(slots=True)
class Relation:
    type: RelType
    head: EntityRef
    tail: EntityRef
    evidence: Evidence

    def __post_init__(self) -> None:
        self.type = rel_type(str(self.type))
        check_endpoints(self.type, self.head.label, self.tail.label)


@dataclass(slots=True)
class SourceDoc:
    """A source document as a node: ``(:Source)-[:MENTIONS]->(entity)``."""
    id: str
    kind: str
    url: str | None
    published: str | None
    content_hash: str
    title: str | None = None

    @classmethod
    def of(cls, doc: Document) -> "SourceDoc":
        return cls(doc.id, doc.kind, doc.url, doc.published, doc.content_hash, doc.title)


@dataclass(slots=True)
class GraphBatch:
    """What the load stage writes for a set of documents: sources, the entities
    they mention, and the relations they support."""
    sources: list[SourceDoc] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    mentions: list["Mention"] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Mention:
    """``(:Source {id: source_id})-[:MENTIONS {snippet}]->(entity)``."""
    source_id: str
    entity: EntityRef
    snippet: str = ""
