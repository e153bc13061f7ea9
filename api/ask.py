"""Plain-English questions → a named query and its parameters. No LLM.

Each intent is a handful of question templates, kept as data in
``ask_phrasings.toml`` and written in a tiny notation:
words match case-insensitively, ``a|b`` is a choice (``a_b`` a two-word choice),
``[a|b]`` is optional, and ``{name}`` is a slot — one or more tokens taken verbatim from the question.
The templates compile to spaCy ``Matcher`` patterns on a blank English pipeline
(tokenizer only, nothing to download); a question is understood when one
template covers it from its first token to its last. Alignments tell which
tokens fell in which slot, and the slot's text (original spelling, e.g.
``MLP-Mixer``) becomes the query parameter.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

PHRASINGS = Path(__file__).resolve().parent / "ask_phrasings.toml"
SUMMARY = "summary"  # the one intent that is not a named query: the entity's summary


@dataclass(frozen=True)
class Intent:
    name: str  # the named query it runs (or SUMMARY)
    slots: dict[str, str]  # template slot -> query parameter
    example: str
    templates: tuple[str, ...]


def load_intents(path: Path = PHRASINGS) -> dict[str, Intent]:
    """The intents of ``ask_phrasings.toml``, in file order (earlier wins a tie)."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return {name: Intent(name, dict(table["slots"]), table["example"],
                         tuple(table["templates"])) for name, table in data.items()}


INTENTS = load_intents()
EXAMPLES = [intent.example for intent in INTENTS.values()]

_PUNCT_END = re.compile(r"[\s?!.。？！]+$")
_OPEN_SOURCED = re.compile(r"\bopen[\s\-‐]sourc(e|es|ed|ing)\b", re.I)
_QUOTES = "\"'`“”‘’«»"


@dataclass
class Interpretation:
    query: str
    params: dict[str, str]
    template: str
    examples: list[str] = field(default_factory=list)


class QuestionParser:
    """Compiles the templates once; ``parse(question)`` → Interpretation or None."""

    def __init__(self, intents: dict[str, Intent] = INTENTS):
        self.intents = intents

    @cached_property
    def _nlp(self):
        import spacy
        return spacy.blank("en")

    @cached_property
    def _matcher(self):
        from spacy.matcher import Matcher
        matcher = Matcher(self._nlp.vocab)
        self._templates: dict[str, tuple[str, str, list[str | None], dict[str, str]]] = {}
        for intent, spec in self.intents.items():
            slots = spec.slots
            for i, template in enumerate(spec.templates):
                for j, (pattern, slot_at) in enumerate(_compile(template)):
                    match_key = f"{intent}#{i}.{j}"
                    self._templates[match_key] = (intent, template, slot_at, slots)
                    matcher.add(match_key, [pattern])
        return matcher

    def parse(self, question: str) -> Interpretation | None:
        text = _OPEN_SOURCED.sub(lambda m: "opensourc" + m.group(1), question.strip())
        text = _PUNCT_END.sub("", text)
        if not text:
            return None
        doc = self._nlp(text)
        matcher = self._matcher
        best = None
        for match_id, start, end, alignment in matcher(doc, with_alignments=True):
            if start != 0 or end != len(doc):
                continue
            key = self._nlp.vocab.strings[match_id]
            intent, template, slot_at, slots = self._templates[key]
            values: dict[str, list[int]] = {}
            for offset, pattern_index in enumerate(alignment):
                slot = slot_at[pattern_index]
                if slot is not None:
                    values.setdefault(slot, []).append(start + offset)
            if set(values) != set(slots):
                continue
            params = {}
            for slot, positions in values.items():
                span = doc[min(positions):max(positions) + 1]
                params[slots[slot]] = span.text.strip(_QUOTES + " ")
            if any(not v for v in params.values()):
                continue
            slot_tokens = sum(len(p) for p in values.values())
            rank = (slot_tokens, list(self.intents).index(intent))
            if best is None or rank < best[0]:
                best = (rank, Interpretation(intent, params, template))
        return best[1] if best else None


    def closest(self, question: str, k: int = 3) -> list[dict]:
        """The ``k`` intents whose phrasings look most like ``question`` (by words,
        rapidfuzz's token-set ratio over each template's first-choice wording),
        each with its example: what to offer instead of a bare "not understood"."""
        from rapidfuzz import fuzz
        text = _PUNCT_END.sub("", question.strip().lower())
        scored = []
        for intent in self.intents.values():
            score = max(fuzz.token_set_ratio(text, _plain(t)) for t in intent.templates)
            scored.append((score, intent))
        scored.sort(key=lambda pair: -pair[0])
        return [{"intent": intent.name, "example": intent.example, "score": round(score, 1)}
                for score, intent in scored[:k]]


def _plain(template: str) -> str:
    """A template read as plain words: each word's first choice, slots and optional
    words left out ("which library implement")."""
    words = []
    for word in template.split():
        if word.startswith("{") or word.startswith("["):
            continue
        words.append(word.split("|")[0].replace("_", " "))
    return " ".join(words)


def _compile(template: str) -> list[tuple[list[dict], list[str | None]]]:
    """Template notation → Matcher patterns, each with the slot (or None) of every
    pattern token. Optional words and multi-word choices (``first_described``)
    expand into separate variants, so a slot never competes with an optional word
    for a token and the tightest reading can win."""
    variants: list[tuple[list[dict], list[str | None]]] = [([], [])]
    for word in template.split():
        slot = re.fullmatch(r"\{(\w+)\}", word)
        if slot:
            options = [([{"OP": "+"}], [slot.group(1)])]
        else:
            optional = word.startswith("[") and word.endswith("]")
            choices = word.strip("[]").split("|")
            single = [c for c in choices if "_" not in c]
            options = []
            if single:
                token = {"LOWER": {"IN": single}} if len(single) > 1 else {"LOWER": single[0]}
                options.append(([token], [None]))
            for choice in choices:
                if "_" in choice:
                    parts = choice.split("_")
                    options.append(([{"LOWER": p} for p in parts], [None] * len(parts)))
            if optional:
                options.append(([], []))
        variants = [(pattern + extra, slots + extra_slots)
                    for pattern, slots in variants for extra, extra_slots in options]
    return variants


_PARSER = QuestionParser()


def parse(question: str) -> Interpretation | None:
    """The named query and parameters a question asks for, or None."""
    return _PARSER.parse(question)


def closest(question: str, k: int = 3) -> list[dict]:
    """The supported question shapes nearest to one ``parse`` did not understand."""
    return _PARSER.closest(question, k)
