"""Facts a document states in its structured fields, not in its text.

An arXiv record (API, OAI-PMH, the snapshot, or a JSONL line with these fields)
names its Paper by arXiv id and title and gives its authors, dates, categories
and DOI: the Paper gets them as properties and an ``AUTHORED_BY`` edge per
author, with the reader as extractor and confidence 1.0. A docs page of a
known library says by where it comes from that the library implements what it
documents (``ingest.extract.origin``).

``add_metadata`` is idempotent: the load stage calls it again on extractions
made elsewhere, and a second call adds nothing.
"""
from __future__ import annotations

from kg.keys import normalize_arxiv_id, normalize_name
from kg.models import Document, Entity, EntityRef, Evidence, Relation
from kg.schema import check_endpoints
from ingest.extract import EXTRACTOR_VERSION, Extraction

DEFAULT_READER = "arxiv-metadata"
ABSTRACT_CHARS = 5000


def reader_of(doc: Document) -> str:
    return doc.reader or DEFAULT_READER


def has_metadata(doc: Document) -> bool:
    """A record with an arXiv id and a title plus at least one structured field."""
    return bool(doc.arxiv_id and normalize_arxiv_id(doc.arxiv_id) and doc.title
                and (doc.authors or doc.categories or doc.doi or doc.updated
                     or (doc.published and doc.kind == "arxiv")))


def paper_of(doc: Document, *, with_abstract: bool = True) -> Entity | None:
    if not (doc.arxiv_id and doc.title):
        return None
    props = {"arxiv_id": normalize_arxiv_id(doc.arxiv_id) or doc.arxiv_id,
             "categories": list(doc.categories), "doi": doc.doi,
             "published": doc.published, "updated": doc.updated, "url": doc.url}
    if doc.authors:
        props["authors"] = [" ".join(a.split()) for a in doc.authors]   # keeps their order
    if with_abstract:
        props["abstract"] = doc.text[:ABSTRACT_CHARS]
    return Entity("Paper", " ".join(doc.title.split()), props={k: v for k, v in props.items() if v})


def authors_of(doc: Document) -> list[str]:
    out: list[str] = []
    for author in doc.authors:
        author = " ".join(author.split())
        if normalize_name(author) and author not in out:
            out.append(author)
    return out


def add_metadata(doc: Document, extraction: Extraction, *, with_abstract: bool = False) -> Extraction:
    """The extraction with the record's Paper (keyed by arXiv id) and its authors."""
    paper = paper_of(doc, with_abstract=with_abstract)
    if paper is None:
        return extraction
    entities, relations = list(extraction.entities), list(extraction.relations)
    title_key = normalize_name(paper.name)
    arxiv_id = paper.props["arxiv_id"]
    authors = authors_of(doc)
    person_keys = {normalize_name(a) for a in authors}
    remap: dict[tuple[str, str], EntityRef] = {}
    kept: list[Entity] = []
    for entity in entities:
        other_id = entity.props.get("arxiv_id")
        if entity.label == "Paper" and (other_id == arxiv_id or (
                not other_id and normalize_name(entity.name) == title_key)):
            remap[("Paper", entity.key)] = EntityRef.of(paper)
            for a in [entity.name, *entity.aliases]:
                if a != paper.name and a not in paper.aliases:
                    paper.aliases.append(a)
            for k, v in entity.props.items():
                paper.props.setdefault(k, v)
        elif entity.label != "Person" and entity.key in person_keys:
            # the record says this name is an author: never another kind of node
            remap[(str(entity.label), entity.key)] = None  # type: ignore[assignment]
        else:
            kept.append(entity)
    out_rel: list[Relation] = []
    for r in relations:
        head = remap.get((str(r.head.label), r.head.key), r.head)
        tail = remap.get((str(r.tail.label), r.tail.key), r.tail)
        if head is None or tail is None:
            continue
        out_rel.append(r if (head is r.head and tail is r.tail)
                       else Relation(r.type, head, tail, r.evidence))
    kept.insert(0, paper)
    paper_ref = EntityRef.of(paper)
    have = {(str(e.label), e.key) for e in kept}
    done = {(str(r.type), r.head.key, r.tail.key) for r in out_rel}
    reader = reader_of(doc)
    for author in authors:
        person = Entity("Person", author)
        if ("Person", person.key) not in have:
            kept.append(person)
            have.add(("Person", person.key))
        if ("AUTHORED_BY", paper_ref.key, person.key) in done:
            continue
        done.add(("AUTHORED_BY", paper_ref.key, person.key))
        out_rel.append(Relation("AUTHORED_BY", paper_ref, EntityRef.of(person),
                                Evidence(doc.id, f"{reader}: author list", reader,
                                         EXTRACTOR_VERSION, 1.0)))
    return Extraction(extraction.doc_id, kept, out_rel, extraction.error)


def structured_facts(doc: Document, extraction: Extraction) -> Extraction:
    """What the extractor adds from a document's fields (the call at the end of
    ``Extractor._extract``): arXiv metadata, and a docs page's library."""
    if has_metadata(doc):
        extraction = add_metadata(doc, extraction)
    extraction = _no_artifact_persons(extraction)
    from ingest.extract.origin import add_origin   # docs pages: IMPLEMENTS from where they live
    return add_origin(doc, extraction)


def _no_artifact_persons(extraction: Extraction) -> Extraction:
    """A Person named like a catalog artifact and like no catalog person ("… by Xiaolong Wang.
    Inspired by Vision Transformer") is that artifact: retyped, its person relations dropped."""
    from ingest.extract.catalog import get_catalog
    catalog = get_catalog()
    retyped: dict[str, Entity] = {}
    for e in extraction.entities:
        if e.label == "Person":
            entries = catalog.lookup(e.name)
            if entries and all(x.label != "Person" for x in entries):
                retyped[e.key] = Entity(entries[0].label, entries[0].name)
    if not retyped:
        return extraction
    entities = [e for e in extraction.entities if not (e.label == "Person" and e.key in retyped)]
    have = {(str(e.label), normalize_name(n)) for e in entities for n in (e.name, *e.aliases)}
    for new in retyped.values():
        if (str(new.label), new.key) not in have:
            entities.append(new)
            have.add((str(new.label), new.key))
    relations = [r for r in extraction.relations
                 if not ((r.head.label == "Person" and r.head.key in retyped)
                         or (r.tail.label == "Person" and r.tail.key in retyped))]
    return Extraction(extraction.doc_id, entities, relations, extraction.error)


def valid(rel_type: str, head: str, tail: str) -> bool:
    try:
        check_endpoints(rel_type, head, tail)
    except ValueError:
        return False
    return True


__all__ = ["add_metadata", "structured_facts", "paper_of", "has_metadata", "reader_of"]
