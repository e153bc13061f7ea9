"""Plain-English questions → a named query and its parameters. No LLM.

Each intent is a handful of question templates written in a tiny notation:
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
from dataclasses import dataclass, field
from functools import cached_property

# intent (= named query) → (slot → parameter, templates)
INTENTS: dict[str, tuple[dict[str, str], list[str]]] = {
    "implementations": ({"name": "name"}, [
        "which|what [ml] library|libraries|framework|frameworks|package|packages|toolkit|toolkits "
        "implement|implements|implemented|support|supports|provide|provides|have|has|ship|ships "
        "[an|the] [implementation|implementations] [of] {name}",
        "what|who implements|implemented {name}",
        "[show|list|find|give] [me] [the|all] implementations|implementation of {name}",
        "where can i find|get [an|the] implementation|implementations of {name}",
        "where|how is|are {name} implemented",
        "which|what library|libraries|framework|frameworks is|are|was {name} implemented in|by",
        "is|are there [any] implementations|implementation of {name}",
        "what can i use to run {name}",
    ]),
    "upstream": ({"name": "name"}, [
        "what is|are|was {name} built|based on [top] [of]",
        "what does|do|did {name} build|depend|rely|sit on [top] [of]",
        "what are [the] dependencies|foundations of {name}",
        "what is [the] foundation|basis of {name}",
        "what is|are upstream of {name}",
        "[show|list] [the] upstream [of] {name}",
    ]),
    "downstream": ({"name": "name"}, [
        "what is|are|was built|based on [top] [of] {name}",
        "what builds|depends|relies on [top] [of] {name}",
        "which|what library|libraries|architecture|architectures|model|models|project|projects|"
        "tool|tools|framework|frameworks is|are|were|was built|based on [top] [of] {name}",
        "which|what library|libraries|architecture|architectures|model|models|project|projects|"
        "tool|tools|framework|frameworks build|depend|rely on [top] [of] {name}",
        "what is|are downstream of {name}",
        "[show|list] [the] downstream [of] {name}",
    ]),
    "developers": ({"name": "name"}, [
        "who released|developed|develops|made|makes|created|built|wrote|published|opensourced|"
        "maintains|maintained|owns|released|designed|launched|invented {name}",
        "who is|are|was|were behind {name}",
        "who is|are|was|were the developer|developers|maker|makers|creator|creators|author|authors|"
        "owner|owners|maintainer|maintainers|publisher of {name}",
        "which|what organization|organisation|organizations|company|companies|lab|labs|team|"
        "group|person|people released|developed|made|created|built|published|opensourced|"
        "maintains|owns|designed|launched {name}",
        "who is|was {name} developed|released|made|created|built|published|opensourced|"
        "maintained by",
        "{name} was|is developed|released|made|created|built|published|opensourced by whom",
    ]),
    "introduced_in": ({"name": "name"}, [
        "which|what paper|papers|publication|article introduced|introduces|proposed|proposes|"
        "presented|presents|described|describes|defined|first_described {name}",
        "where|when|how was|were|is {name} introduced|proposed|first_described|first_presented|"
        "presented|described|published",
        "what is|was the paper|publication for|behind|of|about|on {name}",
        "which|what paper is|was|are|were {name} from|in",
        "which|what paper introduced|proposed the architecture|model|dataset|library {name}",
        "[show|find|give] [me] [the] paper|papers|arxiv for|behind|of|about|on {name}",
        "where does|did {name} come from",
    ]),
    "releases": ({"org": "organization"}, [
        "what|which [libraries|library|models|model|architectures|papers|datasets|things|"
        "projects|tools|software] did|has|have {org} release|released|develop|developed|make|"
        "made|publish|published|build|built|create|created|opensource|opensourced|ship|shipped|"
        "put_out",
        "what|which [libraries|library|models|model|architectures|papers|datasets|things|"
        "projects|tools|software] does|do {org} make|maintain|develop|release|publish|build|own",
        "[show|list] [me] [the|all] releases|projects|artifacts|work of|by|from {org}",
        "what came out of {org}",
        "what is|was released|developed|made|published|built by {org}",
    ]),
    "path": ({"a": "from", "b": "to"}, [
        "how is|are|was|were {a} related|connected|linked to|with {b}",
        "how does|do {a} relate|connect to|with {b}",
        "what connects|links|relates {a} and|to|with {b}",
        "what is [the] connection|relation|relationship|link|path between {a} and {b}",
        "[show|find] [me] [the|a] path from|between {a} to|and {b}",
        "is|are {a} related|connected to {b}",
    ]),
    "mentions": ({"name": "name"}, [
        "where is|are|was|were {name} mentioned|discussed|cited|covered|talked_about",
        "which|what sources|source|documents|document|articles|article|newsletters|newsletter|"
        "issues|posts mention|mentions|mentioned|discuss|discusses|cover|covers {name}",
        "who mentions|mentioned|discusses|discussed|wrote_about {name}",
        "[show|find|list] [me] [the|all] mentions|mention|sources of|for {name}",
        "where can i read about {name}",
    ]),
}

EXAMPLES = [
    "Which libraries implement MLP-Mixer?",
    "What is functorch built on?",
    "What is built on PyTorch?",
    "Who released GreyKite?",
    "Which paper introduced MLP-Mixer?",
    "What did Meta AI release?",
    "How is functorch related to TSMixer?",
    "Where is MLP-Mixer mentioned?",
]

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

    def __init__(self, intents: dict = INTENTS):
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
        for intent, (slots, templates) in self.intents.items():
            for i, template in enumerate(templates):
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
