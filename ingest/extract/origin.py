"""Document origin as context: a library's own docs page says which architecture it
implements by where it lives, not in a sentence.

A ``docs`` document whose repository slug or URL maps to a catalog Library
(``github.com/pyg-team/pytorch_geometric`` → PyTorch Geometric,
``huggingface.co/docs/timm/…`` → timm, ``stable-baselines3.readthedocs.io`` →
Stable-Baselines3) gets ``IMPLEMENTS(library → X)`` for the architecture X the page
documents: the one its title names, else the one that opens its text ("**DenseNet**
is …", "- **[GCNConv](…)** from …"), else the title itself when the catalog knows it
as an architecture ("PPO" over "- Original paper: <…>").
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.keys import normalize_name
from kg.models import Document, Entity, EntityRef, Evidence, Relation
from ingest.extract import EXTRACTOR_VERSION, Extraction
from ingest.extract.markup import clean

ORIGIN_EXTRACTOR = "docs-origin"
CONFIDENCE = 0.9
OPENING_CHARS = 40          # the documented architecture opens the page's text
_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"}
_DOCS_SUFFIXES = (".readthedocs.io", ".readthedocs.org", ".github.io")
_TITLE_SPLIT = re.compile(r"\s*[(:]\s*|\s*\)\s*")
# class-name endings of docs page titles: ControlNetModel, StableDiffusionPipeline, GCNConv
_CLASS_TAIL = re.compile(r"(?:model|models|pipeline|pipelines|conv|layer)$")


def _catalog():
    from ingest.extract.catalog import get_catalog
    return get_catalog()


def _catalog_name(surface: str, label: str) -> str | None:
    if not surface or not normalize_name(surface):
        return None
    for entry in _catalog().lookup(surface):
        if entry.label == label:
            return entry.name
    return None


def origin_slugs(doc: Document) -> list[str]:
    """Candidate library names from where the document lives, most specific first."""
    out: list[str] = []
    if doc.repository and "/" in doc.repository:
        out += [doc.repository, doc.repository.rsplit("/", 1)[1]]
    if doc.url:
        parts = urlsplit(doc.url if "//" in doc.url else f"https://{doc.url}")
        host = (parts.hostname or "").lower().removeprefix("www.")
        path = [p for p in parts.path.split("/") if p]
        if host in _CODE_HOSTS and len(path) >= 2:
            out += [f"{path[0]}/{path[1]}", path[1]]
        elif host == "huggingface.co" and len(path) >= 2 and path[0] == "docs":
            out.append(path[1])
        elif host.endswith(_DOCS_SUFFIXES):
            sub = host.split(".")[0]
            if host.endswith(".github.io") and path:
                out.append(path[0])
            out.append(sub)
    return list(dict.fromkeys(out))


def library_of(doc: Document) -> str | None:
    """The catalog Library a docs document comes from, or None."""
    for slug in origin_slugs(doc):
        name = _catalog_name(slug, "Library")
        if name:
            return name
    return None


def origin_names(doc: Document) -> frozenset[str]:
    """Normalised names a mention of the library the document comes from can have: its
    slugs ("deepspeed", "trl") and the catalog Library they map to. The relation model
    pairs such a mention with the document's other names ("Support PETR in projects"
    in mmdet3d's changelog)."""
    names = {normalize_name(s.rsplit("/", 1)[-1]) for s in origin_slugs(doc)}
    library = library_of(doc)
    if library:
        names.add(normalize_name(library))
    return frozenset(n for n in names if len(n) >= 2)


def _title_keys(title: str) -> set[str]:
    """'Big Transfer (BiT)' → {bigtransferbit, bigtransfer, bit}; 'ControlNetModel' also
    → controlnet."""
    keys = {normalize_name(title)}
    keys |= {normalize_name(p) for p in _TITLE_SPLIT.split(title) if p.strip()}
    keys |= {_CLASS_TAIL.sub("", k) for k in list(keys)}
    return {k for k in keys if len(k) >= 2}


def _first_at(entity: Entity, text: str) -> int:
    """Where the entity's name or an alias first occurs in ``text`` (case-folded)."""
    low = text.casefold()
    spots = [low.find(n.casefold()) for n in (entity.name, *entity.aliases) if n]
    spots = [s for s in spots if s >= 0]
    return min(spots) if spots else -1


def documented(doc: Document, extraction: Extraction) -> list[Entity]:
    """The architecture(s) the page documents (see the module docstring)."""
    archs = [e for e in extraction.entities if e.label == "Architecture"]
    title = " ".join((doc.title or "").split())
    if title:
        keys = _title_keys(title)
        named = [e for e in archs if {normalize_name(n) for n in (e.name, *e.aliases)} & keys]
        if named:
            return named
    text = clean(doc.text or "").text.lstrip(" \t\n-*+•")
    opening = [(at, e) for e in archs if 0 <= (at := _first_at(e, text)) <= OPENING_CHARS]
    if opening:
        return [min(opening, key=lambda p: p[0])[1]]
    name = _catalog_name(title, "Architecture") if title else None
    return [Entity("Architecture", name)] if name else []


def add_origin(doc: Document, extraction: Extraction) -> Extraction:
    """IMPLEMENTS(library → documented architecture) for a docs page of a known library."""
    if (doc.kind or "").lower() != "docs":
        return extraction
    library = library_of(doc)
    if library is None:
        return extraction
    targets = documented(doc, extraction)
    if not targets:
        return extraction
    entities, relations = list(extraction.entities), list(extraction.relations)
    have = {(str(e.label), e.key): e for e in entities}
    lib = have.get(("Library", normalize_name(library))) or Entity("Library", library)
    if ("Library", lib.key) not in have:
        entities.append(lib)
    lib_ref = EntityRef.of(lib)
    done = {(str(r.type), r.head.key, r.tail.key) for r in relations}
    where = doc.url or doc.repository or ""
    for target in targets:
        if ("Architecture", target.key) not in have:
            entities.append(target)
            have[("Architecture", target.key)] = target
        if ("IMPLEMENTS", lib_ref.key, target.key) in done:
            continue
        done.add(("IMPLEMENTS", lib_ref.key, target.key))
        relations.append(Relation("IMPLEMENTS", lib_ref, EntityRef.of(target),
                                  Evidence(doc.id, f"{library} documentation: {where}".strip(),
                                           ORIGIN_EXTRACTOR, EXTRACTOR_VERSION, CONFIDENCE)))
    return Extraction(extraction.doc_id, entities, relations, extraction.error)


__all__ = ["add_origin", "documented", "library_of", "origin_names", "origin_slugs"]
