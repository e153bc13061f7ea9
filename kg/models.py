"""Typed values that flow between the stages: sources → extract → resolve → load.

Plain dataclasses (no I/O); the API layer has its own pydantic models for HTTP.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from kg.errors import MalformedDocument
from kg.keys import bound_key, clean_identifier, entity_key, normalize_name, storable_text
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
    # the cleaned id in full when ``id`` had to be shortened (see kg.keys.bound_key)
    original_id: str | None = None

    def __post_init__(self) -> None:
        # every id passes here, whoever builds the Document (readers, the API, retry)
        if isinstance(self.id, int) and not isinstance(self.id, bool):
            self.id = str(self.id)
        try:
            full = clean_identifier(self.id, bounded=False)
        except TypeError as exc:
            raise MalformedDocument(f"document id: {exc}") from exc
        self.id = bound_key(full)
        if self.id != full:
            self.original_id = full
        for name in ("text", "title"):      # text that the stores cannot encode never gets in
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, storable_text(value))

    @classmethod
    def from_dict(cls, data: Any, *, strict: bool = True,
                  default_kind: str | None = None) -> "Document":
        """The one parser of untrusted document objects (API requests, JSON lines,
        quarantine payloads). ``strict``: a field of the wrong type or an unknown
        field is an error (MalformedDocument); otherwise such fields are dropped."""
        if not isinstance(data, dict):
            raise MalformedDocument("a document must be a JSON object")
        if strict and (unknown := sorted(set(data) - set(INPUT_FIELDS))):
            raise MalformedDocument(f"unknown field(s) {', '.join(map(repr, unknown))}; "
                                    f"fields are {', '.join(INPUT_FIELDS)}")
        ident = data.get("id")
        if not isinstance(ident, (str, int)) or isinstance(ident, bool):
            raise MalformedDocument("'id' must be text")
        kind = data.get("kind") or default_kind
        if not isinstance(kind, str) and not strict:
            kind = default_kind
        if not isinstance(kind, str):
            raise MalformedDocument("'kind' must be text")
        text = data.get("text")
        if not isinstance(text, (str, type(None))):
            raise MalformedDocument("'text' must be text")
        fields: dict[str, Any] = {}
        for name in _TEXT_FIELDS:
            value = data.get(name)
            if isinstance(value, str):
                fields[name] = value
            elif value is not None and strict:
                raise MalformedDocument(f"{name!r} must be text")
        for name in ("authors", "categories"):
            value = data.get(name) or []
            if strict and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise MalformedDocument(f"{name!r} must be a list of text")
            fields[name] = ([v for v in value if isinstance(v, str)]
                            if isinstance(value, list) else [])
        links = []
        for link in data.get("links") or []:
            if isinstance(link, str):
                links.append(Link(link))
            elif isinstance(link, dict) and isinstance(link.get("url"), str):
                links.append(Link(link["url"], str(link.get("text") or "")))
            elif strict:
                raise MalformedDocument("'links' must be URLs or {url, text} objects")
        return cls(id=ident, kind=kind, text=text or "", links=links, **fields)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.kind, self.title or "", self.text, self.arxiv_id or "",
                     "|".join(self.authors), "|".join(self.categories)):
            h.update(part.encode("utf-8", "replace"))
            h.update(b"\x00")
        return h.hexdigest()


_TEXT_FIELDS = ("title", "url", "published", "arxiv_id", "doi", "updated", "origin",
                "repository")
#: what a document object from outside may hold (``reader`` is set by our readers only)
INPUT_FIELDS = ("id", "kind", "text", *_TEXT_FIELDS, "links", "authors", "categories")


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
    original_id: str | None = None

    @classmethod
    def of(cls, doc: Document) -> "SourceDoc":
        return cls(doc.id, doc.kind, doc.url, doc.published, doc.content_hash, doc.title,
                   doc.original_id)


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
