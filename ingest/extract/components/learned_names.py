"""Names found by the trained recogniser become mention candidates, and vouch for
the rules' weaker guesses.

The ``mlkg_ner`` component (spaCy NER trained on the annotated corpus) writes
``doc.ents``; this stage turns each into a :class:`Mention` with source ``model``.
Selection (typing.py) then weighs them against the rules' candidates: links, author
lists and catalog names win where they overlap (high-precision overrides); a model
name beats the cue and shape guesses, and a longer model name beats the catalog
names inside it ("Focused Transformer" over "Transformer").

Rule candidates from the sources in ``gate`` (name-shape and cue guesses, and item
headings taken for paper titles outside arXiv records) are kept only where the
recogniser found a name over them: on unseen text those guesses were the main source
of junk (version headings as Papers, code identifiers as Libraries), and the
recogniser has learnt from context which of them are names. Where a kept guess was
typed by an explicit cue ("X library", "the X dataset"), its type and boundary win
over the recogniser's.

A recognised Paper must look like a title (``titleish``) or be a whole link text or
line: the recogniser otherwise takes an item's opening sentence for its title.
"""
from __future__ import annotations

from spacy.language import Language

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import Mention, meta, mentions, span_text, text_of, titleish

MAX_TOKENS = 12   # longer spans are titles; the recogniser's long non-Paper spans are run-ons


class LearnedNames:
    def __init__(self, catalog_dir: str | None, gate: list[str]):
        self.catalog = get_catalog(catalog_dir)
        self.gate = set(gate)

    def __call__(self, doc):
        found = mentions(doc)
        model: list[Mention] = []
        for ent in doc.ents:
            n = ent.end - ent.start
            if ent.label_ != "Paper" and n > MAX_TOKENS:
                continue
            text = span_text(doc, ent.start, ent.end)
            if not any(ch.isalnum() for ch in text) or self.catalog.is_generic(text):
                continue
            if ent.label_ == "Paper" and not (titleish(text) or self._whole_unit(doc, ent)):
                continue
            model.append(Mention(ent.start, ent.end, ent.label_, "model", name=text, confidence=0.6))
        if self.gate:
            kind = meta(doc).get("kind", "newsletter")
            label_at: dict[int, str] = {}
            for m in model:
                for k in range(m.start, m.end):
                    label_at[k] = m.label
            kept, overridden = [], set()
            for m in found:
                gated = m.source in self.gate and not (m.source == "title" and kind == "arxiv")
                if gated:
                    labels = {label_at.get(k) for k in range(m.start, m.end)} - {None}
                    if not labels:
                        continue
                    if m.label is not None and m.source == "cue" and m.label not in labels:
                        overridden.update(range(m.start, m.end))     # the cue's type wins
                    elif m.label is not None and m.label not in labels:
                        continue
                kept.append(m)
            found[:] = kept
            model = [m for m in model if not any(k in overridden for k in range(m.start, m.end))]
        found.extend(model)
        return doc

    @staticmethod
    def _whole_unit(doc, ent) -> bool:
        """The span is a whole link text or a whole line."""
        info = meta(doc)
        start, end = doc[ent.start].idx, doc[ent.end - 1].idx + len(doc[ent.end - 1])
        if any(link.start <= start and end <= link.end and end - start >= (link.end - link.start) - 2
               for link in info.get("links", ())):
            return True
        text = text_of(doc)
        before = text[max(0, start - 1):start]
        after = text[end:end + 1]
        return before in {"", "\n"} and after in {"", "\n"}


@Language.factory("mlkg_learned_names_v1",
                  default_config={"catalog_dir": None, "gate": ["cue", "shape", "title"]})
def make_learned_names(nlp: Language, name: str, catalog_dir: str | None, gate: list[str]):
    return LearnedNames(catalog_dir, gate)
