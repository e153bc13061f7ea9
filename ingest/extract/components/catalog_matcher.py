"""Catalog matcher: a PhraseMatcher over every known name and alias.

Matching is case-insensitive (``Tensorflow`` → TensorFlow, ``Nemo`` → NeMo)
with guards: an all-lowercase occurrence only matches an all-lowercase catalog
form, and short all-caps names (``MATH``, ``JAX``) must match exactly or in
title case.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import Mention, mentions


def _case_ok(surface: str, text: str) -> bool:
    if surface == text:
        return True
    if text.islower() and not surface.islower():
        return False
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

    def __call__(self, doc):
        found = mentions(doc)
        strings = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            items = self.entries.get(strings[match_id])
            if not items:
                continue
            text = doc[start:end].text
            ok = [(s, e) for s, e in items if _case_ok(s, text)]
            if not ok:
                continue
            labels = []
            for _surface, entry in ok:
                if entry.label not in labels:
                    labels.append(entry.label)
            entry = ok[0][1]
            found.append(Mention(start, end, labels[0] if len(labels) == 1 else None, "catalog",
                                 name=entry.name, aliases=list(entry.aliases),
                                 props={"catalog_labels": labels}, confidence=0.85))
        return doc


@Language.factory("mlkg_catalog_v1", default_config={"catalog_dir": None})
def make_catalog_matcher(nlp: Language, name: str, catalog_dir: str | None):
    return CatalogMatcher(nlp, name, catalog_dir)
