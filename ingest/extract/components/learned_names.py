"""Names found by the trained recogniser become mention candidates, and vouch for
the rules' weaker guesses.

The ``mlkg_ner`` component (spaCy NER trained on the annotated corpus) writes
``doc.ents``; this stage turns each into a :class:`Mention` with source ``model``.
Selection (mention_typing.py) then weighs them against the rules' candidates: links, author
lists and catalog names win where they overlap (high-precision overrides); a model
name beats the cue and shape guesses, and a longer model name beats the catalog
names inside it ("Focused Transformer" over "Transformer").

Rule candidates from the sources in ``gate`` are kept only where the recogniser found
a name over them. By default that is item headings taken for paper titles outside
arXiv records — on unseen text the main source of junk ("v0.8.0 (2020-10-31) —
Highlights" as a Paper). Gating the name-shape and cue guesses too (``gate = ["cue",
"shape", "title"]``) was tried: a little more precision on the training split's dev
slice, but relations lost on the dev files, where those guesses find names the
recogniser misses. A guess that is kept keeps its own boundary and type; an untyped
one takes the recogniser's type. A name typed by an explicit cue ("X library",
"… Lab", "the X dataset") keeps that type wherever the recogniser saw a name too.

A link to a paper whose text is a short name ("[Cylinder3D](arXiv link)") is the
model the recogniser says it is, not the paper. A recognised Paper must look like a
title (``titleish``) or be a whole link text or line: the recogniser otherwise takes
an item's opening sentence for its title.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Span

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import Mention, meta, mentions, span_text, text_of, titleish, state
from ingest.extract.components.name_shapes import COUNT_NOUNS, not_a_name

MAX_TOKENS = 12   # longer spans are titles; the recogniser's long non-Paper spans are run-ons
RECOGNISED = "mlkg_recognised"   # doc.spans key: the recogniser's names that passed the checks below
# never a name on their own, whatever the recogniser says
FUNCTION_WORDS = frozenset("""a an the this that these those it its we our they their he she you i of in on
for to with by from as at and or but not is are was were be been has have had do does did can will""".split())
_SOFTWARE_HEADS = {"library", "libraries", "toolkit", "framework", "package", "tool", "stack", "backend"}


_OPENERS, _CLOSERS = frozenset("[({<"), frozenset("])}>")


def _trimmed(doc, ent):
    """The recogniser's span without a bracket it ran into ("… Retrieval [" before
    "[paper](…)"), a count ("Mixtral 3 times") or a function word ("… Sonnet and") it ran
    into; None when nothing is left."""
    s, e = ent.start, ent.end
    while e > s and doc[e - 1].text in _OPENERS:
        e -= 1
    if e - s > 1 and doc[e - 1].text.isdigit() and e < len(doc) and doc[e].lower_ in COUNT_NOUNS:
        e -= 1      # "Mixtral 3 times": a count, not a version
    while ent.label_ != "Paper" and e - s > 1 and doc[e - 1].lower_ in FUNCTION_WORDS:
        e -= 1      # "Claude 3 Sonnet and", "CodeT5+ with": no name ends on a function word
    while s < e and doc[s].text in _CLOSERS:
        s += 1
    if s == e:
        return None
    return ent if (s, e) == (ent.start, ent.end) else Span(doc, s, e, label=ent.label_)


class LearnedNames:
    def __init__(self, nlp: Language, catalog_dir: str | None, gate: list[str], rules_first: list[str]):
        self.nlp = nlp
        self.catalog = get_catalog(catalog_dir)
        self.gate = set(gate)
        self.rules_first = set(rules_first)

    def __call__(self, doc):
        found = mentions(doc)
        kind = meta(doc).get("kind", "newsletter")
        cue_typer = self.nlp.get_pipe("mlkg_names_v1") if "mlkg_names_v1" in self.nlp.pipe_names else None
        model: list[Mention] = []
        accepted = []       # the recogniser's names this stage believes (doc.spans[RECOGNISED])
        generic_spans = state(doc).generic_spans or ()
        for ent in doc.ents:
            ent = _trimmed(doc, ent)
            if ent is None:
                continue
            n = ent.end - ent.start
            if ent.label_ != "Paper" and n > MAX_TOKENS:
                continue
            text = span_text(doc, ent.start, ent.end)
            if not any(ch.isalnum() for ch in text) or self.catalog.is_generic(text) \
                    or text.lower() in FUNCTION_WORDS or (n == 1 and not_a_name(text)):
                continue        # a size, count, plural acronym or accelerator alone ("13B", "H100")
            if ent.label_ == "Paper" and not self._title_like(doc, ent, text):
                continue
            if self._written_lowercase_elsewhere(doc, ent, text):
                continue
            if any(a <= ent.start and ent.end <= b for a, b in generic_spans):
                continue        # inside a phrase the rules found generic ("Google I/O")
            label, cue_id = ent.label_, ""
            known = self.catalog.lookup(text)
            if known and label not in {e.label for e in known}:
                label = known[0].label      # the catalog's type for a name it knows
            elif label in {"Architecture", "Library", "Dataset"} and cue_typer is not None:
                # an explicit cue next to the name ("X - visualization library", "X dataset")
                # types it, as it types the rules' own candidates
                cue_label, cue_id = cue_typer.cue(doc, ent.start, ent.end, kind)
                label = cue_label or label
                if label not in {"Architecture", "Library", "Dataset"}:
                    label = ent.label_
                if label == "Architecture" and self._base_of_software(doc, ent.end):
                    label = "Library"
            model.append(Mention(ent.start, ent.end, label, "model", name=text, confidence=0.6,
                                 props={"cue": cue_id} if cue_id else {}))
            accepted.append(ent)
        doc.spans[RECOGNISED] = accepted
        # support comes from every recognised span, also those not kept as mentions
        # (an over-long Paper span still says "there is a name here")
        label_at: dict[int, str] = {}
        for ent in doc.ents:
            for k in range(ent.start, ent.end):
                label_at[k] = ent.label_
        kept, overridden = [], set()
        for m in found:
            if m.source == "link" and m.label == "Paper" and self._name_linking_paper(doc, m):
                # "[Cylinder3D](arxiv link)": a model's name linking to its paper
                labels = {label_at.get(k) for k in range(m.start, m.end)} - {None}
                if labels and "Paper" not in labels:
                    continue
            gated = m.source in self.gate and not (m.source == "title" and kind == "arxiv")
            if gated or m.source in self.rules_first:
                labels = [label_at[k] for k in range(m.start, m.end) if k in label_at]
                if not labels and gated:
                    continue                # a weak guess the recogniser does not vouch for
                if labels:
                    # the rule's boundary and type stand; an untyped guess takes the recogniser's
                    if m.label is None:
                        m.label = max(set(labels), key=labels.count)
                    overridden.update(range(m.start, m.end))
            kept.append(m)
        found[:] = kept
        model = [m for m in model if not any(k in overridden for k in range(m.start, m.end))]
        found.extend(model)
        return doc

    def _title_like(self, doc, ent, text: str) -> bool:
        """Looks like a title or is a whole link text or line — and is not a whole
        sentence ending in a full stop ("LLMs and LVLMs store KVs in DAGs.")."""
        if text.rstrip().endswith("."):
            return False
        full = text_of(doc)
        end = doc[ent.end - 1].idx + len(doc[ent.end - 1])
        starts_sentence = ent.start == 0 or doc[ent.start].is_sent_start
        if starts_sentence and full[end:end + 1] == "." and full[end + 1:end + 2] in {"", " ", "\n"}:
            return False
        return titleish(text) or self._whole_unit(doc, ent)

    @staticmethod
    def _written_lowercase_elsewhere(doc, ent, text: str) -> bool:
        """"Sparse Routing helps. We use sparse routing …": capitalised only where a
        sentence starts, so an ordinary phrase (the rules' test for generic words) — the
        span as recognised, or without the lower-case words it ran into ("… helps")."""
        end = ent.end
        while end - ent.start > 1 and doc[end - 1].text.islower():
            end -= 1
        full = text_of(doc)
        for phrase in {text, span_text(doc, ent.start, end)}:
            low = phrase.lower()
            if low == phrase:
                continue
            at = full.find(low)
            while at >= 0:
                if at != doc[ent.start].idx:
                    return True
                at = full.find(low, at + 1)
        return False

    @staticmethod
    def _base_of_software(doc, end: int) -> bool:
        """"a TorchLite based library": what software is based on is software."""
        words = [t.lower_ for t in doc[end:end + 4]]
        if not words or words[0].lstrip("-") != "based":
            return False
        return any(w in _SOFTWARE_HEADS for w in words[1:])

    @staticmethod
    def _name_linking_paper(doc, m: Mention) -> bool:
        """A short link text that is not introduced as a paper ("the paper [X](…)")."""
        if len(m.name.split()) > 3 or titleish(m.name):
            return False
        before = text_of(doc)[max(0, doc[m.start].idx - 30):doc[m.start].idx].lower()
        return "paper" not in before

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
        line = text[start:end]
        return before in {"", "\n"} and after in {"", "\n"} and not line.rstrip().endswith(".")


@Language.factory("mlkg_learned_names_v1",
                  default_config={"catalog_dir": None, "gate": ["title"], "rules_first": ["cue"]})
def make_learned_names(nlp: Language, name: str, catalog_dir: str | None, gate: list[str],
                       rules_first: list[str]):
    return LearnedNames(nlp, catalog_dir, gate, rules_first)
