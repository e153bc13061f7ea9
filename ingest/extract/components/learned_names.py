"""Names found by the trained recogniser become mention candidates.

The ``mlkg_ner`` component (spaCy NER trained on the annotated corpus) writes
``doc.ents``; this stage turns each into a :class:`Mention` with source ``model``.
Selection (typing.py) then weighs them against the rules' candidates: links, titles,
author lists and catalog names win where they overlap (high-precision overrides);
a model name beats the cue and shape guesses, and a longer model name beats the
catalog names inside it ("Focused Transformer" over "Transformer").
"""
from __future__ import annotations

from spacy.language import Language

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import Mention, mentions, span_text

MAX_TOKENS = 12   # longer spans are titles; the recogniser's long non-Paper spans are run-ons


class LearnedNames:
    def __init__(self, catalog_dir: str | None):
        self.catalog = get_catalog(catalog_dir)

    def __call__(self, doc):
        found = mentions(doc)
        for ent in doc.ents:
            n = ent.end - ent.start
            if ent.label_ != "Paper" and n > MAX_TOKENS:
                continue
            text = span_text(doc, ent.start, ent.end)
            if not any(ch.isalnum() for ch in text) or self.catalog.is_generic(text):
                continue
            found.append(Mention(ent.start, ent.end, ent.label_, "model", name=text, confidence=0.6))
        return doc


@Language.factory("mlkg_learned_names_v1", default_config={"catalog_dir": None})
def make_learned_names(nlp: Language, name: str, catalog_dir: str | None):
    return LearnedNames(catalog_dir)
