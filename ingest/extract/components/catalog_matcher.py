"""Catalog matcher: a PhraseMatcher over every known name and alias.

Matching is case-insensitive (``Tensorflow`` → TensorFlow, ``Nemo`` → NeMo)
with guards: an all-lowercase occurrence only matches an all-lowercase catalog
form, and short all-caps names (``MATH``, ``JAX``) must match exactly or in
title case.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from functools import lru_cache

from kg.keys import normalize_name as _normalize_name
from ingest.extract.catalog import get_catalog
from ingest.resolve import fold_size
from ingest.extract.components.base import Mention, mentions, span_text, state
from ingest.extract.components.name_shapes import COUNT_NOUNS


@lru_cache(maxsize=65536)
def normalize_name(surface: str) -> str:
    return _normalize_name(surface)


def _case_ok(surface: str, text: str, entry=None) -> bool:
    if surface == text:
        return True
    if text.islower() and not surface.islower():
        return False
    if entry is not None and surface.islower() and normalize_name(surface) != normalize_name(entry.name):
        return False   # a package id ("torch" for PyTorch) matches only as written
    letters = [c for c in surface if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 5:
        return text.upper() == text or text == surface.title()
    return True


class CatalogMatcher:
    def __init__(self, nlp: Language, name: str, catalog_dir: str | None):
        self.catalog = get_catalog(catalog_dir)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entries: dict[str, list] = {}
        by_lower: dict[str, list] = {}
        for surface, entry in self.catalog.surfaces():
            by_lower.setdefault(surface.lower(), []).append((surface, entry))
        for lower, items in by_lower.items():
            key = f"c{len(self.entries)}"
            self.entries[key] = items
            self.matcher.add(key, [nlp.make_doc(items[0][0])])
        # the catalog lists sizes and members as aliases ("T5-11B", "Kinetics-400"); a member
        # is its own node, not a name of the family a document's "T5" may merge it into: a
        # family's aliases without them, and which surfaces name a member (both once, here,
        # not per match)
        self.family_aliases: dict[int, list[str]] = {}
        self.member_surfaces: set[tuple[str, int]] = set()
        for surface, entry in self.catalog.surfaces():
            if id(entry) not in self.family_aliases:
                self.family_aliases[id(entry)] = [a for a in entry.aliases if not _member_alias(a, entry.name)]
            if _member_alias(surface, entry.name):
                self.member_surfaces.add((surface, id(entry)))

    def __call__(self, doc):
        found = mentions(doc)
        strings = doc.vocab.strings
        matches = self.matcher(doc)
        self._spans = {(s, e) for _m, s, e in matches}
        for match_id, start, end in matches:
            items = self.entries.get(strings[match_id])
            if not items:
                continue
            text = span_text(doc, start, end)
            ok = [(s, e) for s, e in items if _case_ok(s, text, e)]
            if not ok:
                continue
            labels = []
            for _surface, entry in ok:
                if entry.label not in labels:
                    labels.append(entry.label)
            surface, entry = ok[0]
            if labels == ["Library"] and self._plural_of_architecture(doc, start, end, text):
                continue
            if labels == ["Organization"] and text.lower() in _SOCIAL_SITES and start > 0 \
                    and doc[start - 1].lower_ in {"on", "via"} \
                    and not (end < len(doc) and doc[end].text in {"'s", "’s"}):
                # "follow us on Twitter": the site, not the company
                state(doc).meta.setdefault("label_spans", []).append((start, end))
                continue
            name = entry.name
            aliases = list(self.family_aliases[id(entry)]) if {"Architecture", "Dataset"} & set(labels) \
                else list(entry.aliases)
            family = labels[0] if labels in (["Architecture"], ["Dataset"]) else None
            variant_end = _variant_end(doc, end) if labels == ["Architecture"] else end
            if variant_end > end or (family and (surface, id(entry)) in self.member_surfaces):
                # "Mixtral 8x22B", "Llama 3.1 405B", "Kinetics-400", "ZeRO-Offload": the text
                # names a size, version or member of the family — its own node, not an alias
                # of the family's
                found.append(Mention(start, variant_end, family, "catalog",
                                     name=span_text(doc, start, variant_end),
                                     props={"catalog_labels": labels, "variant_of": entry.name},
                                     confidence=0.85))
                continue
            if _other_name(surface, entry.name):
                # "Kafka", "Facebook": the text's own name is kept (what the text states);
                # the catalog name becomes an alias
                name, aliases = text, [entry.name, *aliases]
            found.append(Mention(start, end, labels[0] if len(labels) == 1 else None, "catalog",
                                 name=name, aliases=aliases,
                                 props={"catalog_labels": labels, "catalog_name": entry.name},
                                 confidence=0.85))
        return doc


    def _plural_of_architecture(self, doc, start, end, text) -> bool:
        """'Transformers' in running text is the architecture's plural, not the library,
        unless a cue noun follows ('Transformers library')."""
        if not (text[:1].isupper() and text.endswith("s") and end - start == 1):
            return False
        if not any(e.label == "Architecture" for e in self.catalog.lookup(text[:-1])):
            return False
        nxt = doc[end].lower_ if end < len(doc) else ""
        if nxt in {"library", "package", "framework", "toolkit"}:
            return False
        # "an extension of Transformers and Diffusers": coordinated with another known name
        coord = {"and", "or", ",", "&", "/"}
        if nxt in coord and any(s == end + 1 for s, _e in self._spans):
            return False
        if start > 0 and doc[start - 1].lower_ in coord and any(e == start - 1 for _s, e in self._spans):
            return False
        return True


_DEPTH_TAIL = re.compile(r"(?<=[A-Za-z])[-\s]?\d{2,}$")
_VERSION = re.compile(r"^v?\d+\.\d+(?:\.\d+)*$")
_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?[BMKT]|\d+x\d+(?:\.\d+)?[BM])$")


# what may follow a family's name in an alias that is still the family's own name
# ("Transformer architecture", "COCO dataset")
_FAMILY_NOUNS = {"architecture", "model", "models", "network", "networks", "net", "dataset", "datasets",
                 "benchmark", "corpus", "library", "framework", "toolkit", "package", "method", "algorithm",
                 "algorithms", "loss", "losses", "prompting", "objective", "optimizer", "layer", "layers",
                 "block", "blocks", "module", "approach", "technique", "family", "series", "paper"}


def _member_alias(surface: str, name: str) -> bool:
    """A catalog alias that is the family's name with a size, version or member name
    written after it ("T5-11B", "Falcon-40B", "ResNet-50", "Grok-1", "Kinetics-400",
    "ZeRO-Offload"): the text names that variant, which is its own node. A name with
    words before it ("MS COCO") or a generic noun after it is the family's."""
    if normalize_name(surface) == normalize_name(name):
        return False
    if surface.lower().startswith(name.lower()) and len(surface) > len(name):
        rest = surface[len(name):]
        if rest[0] in "- " and rest[1:].strip() and rest[1:].strip().lower() not in _FAMILY_NOUNS \
                and not rest[1:].strip().startswith("("):
            return True
    depth = _DEPTH_TAIL.sub("", surface)     # "ResNet-50", "VGG-16": a depth, two digits or more
    return normalize_name(fold_size(surface)) == normalize_name(name) \
        or (depth != surface and normalize_name(depth) == normalize_name(name))


def _variant_end(doc, end: int) -> int:
    """The end of a size / version written right after a model's catalog name ("Mixtral
    8x22B", "Llama 3.1 405B", "Qwen2.5-7B"); ``end`` when there is none. A bare integer
    is not a version ("trained BERT 3 times"), and a size followed by a count noun is
    a count ("BERT 110M parameters")."""
    k, n = end, len(doc)
    if k < n and _VERSION.match(doc[k].text):
        k += 1
    if k < n and _SIZE.match(doc[k].text):
        k += 1
    elif k + 1 < n and doc[k].text == "-" and not doc[k - 1].whitespace_ and not doc[k].whitespace_ \
            and _SIZE.match(doc[k + 1].text):
        k += 2
    if k > end and k < n and doc[k].lower_ in COUNT_NOUNS:
        return end
    return k


_SOCIAL_SITES = {"twitter", "x", "linkedin", "facebook", "reddit", "youtube", "instagram", "threads"}


def _other_name(surface: str, name: str) -> bool:
    """Whether a catalog alias is another name (Kafka ↔ Apache Kafka, Facebook ↔ Meta), not
    a spelling variant of the canonical name or a repository path."""
    ks, kn = normalize_name(surface), normalize_name(name)
    if ks == kn or "/" in surface or surface.islower() or kn in ks:
        return False    # a variant, a repository, a package id, or "Transformer architecture"
    return True


@Language.factory("mlkg_catalog_v1", default_config={"catalog_dir": None})
def make_catalog_matcher(nlp: Language, name: str, catalog_dir: str | None):
    return CatalogMatcher(nlp, name, catalog_dir)
