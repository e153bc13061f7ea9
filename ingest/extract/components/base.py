"""Shared structures for the mlkg spaCy components.

The components pass what they know about a document from one to the next in one
typed object on the Doc, :class:`DocState` (``state(doc)``): the metadata set before
the pipeline runs, the token layout the sentence stage computes once, the mentions
(candidates, later resolved to non-overlapping typed mentions), the item's subject,
the coreference of "It"/"the library", and the relation hits.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PATTERNS_DIR = Path(__file__).resolve().parent.parent / "patterns"

# Higher wins when candidate spans overlap.
PRIORITY = {"link": 60, "title": 55, "people": 50, "catalog": 40, "model": 35, "cue": 30, "shape": 10}


@dataclass(slots=True)
class Mention:
    start: int          # token index
    end: int            # token index (exclusive)
    label: str | None   # an entity label, or None while untyped
    source: str         # link | title | people | catalog | cue | shape
    name: str = ""      # surface/canonical name ("" = span text)
    props: dict = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    confidence: float = 0.7

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.source, 0)


@dataclass(slots=True)
class RelationHit:
    type: str
    head: int   # mention index
    tail: int   # mention index
    sentence: str
    confidence: float
    cue: str = ""


STATE_KEY = "mlkg"     # the one ``doc.user_data`` entry the components use


@dataclass(slots=True)
class DocState:
    """What the mlkg components know about one document (see the module docstring)."""
    meta: dict = field(default_factory=dict)     # kind, title span, links, tags, label spans
    # the document's text, cached: ``doc.text`` rebuilds it on every access
    text: str | None = None
    text_n: tuple[int, str] | None = None         # (len(doc), text) once checked against the doc
    # token layout, computed once by the sentence stage
    texts: list[str] | None = None                # token texts
    idx: list[int] | None = None                  # token character offsets
    starts: list[bool] | None = None              # token starts a sentence
    nl: list | None = None                        # newline information per token (sentences.py)
    sents: list[tuple[int, int]] | None = None    # sentence token bounds
    sent_index: list[int] | None = None           # token → sentence number
    sent_spans: list | None = None                # the sentences as spans, cached (sentences.sents)
    shapes: list | None = None                    # token shape classes (name_shapes.py)
    generic_spans: list[tuple[int, int]] = field(default_factory=list)   # generic terms' token spans
    mentions: list[Mention] = field(default_factory=list)
    subject: int | None = None                    # index into mentions of the item's subject
    coref: list[tuple[int, int, int]] = field(default_factory=list)     # (token start, end, mention)
    relations: list[RelationHit] = field(default_factory=list)


def state(doc) -> DocState:
    """The document's :class:`DocState`, created on first use."""
    st = doc.user_data.get(STATE_KEY)
    if st is None:
        st = doc.user_data[STATE_KEY] = DocState()
    return st


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    with open(PATTERNS_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def meta(doc) -> dict:
    return state(doc).meta


def mentions(doc) -> list[Mention]:
    return state(doc).mentions


def text_of(doc) -> str:
    """``doc.text`` rebuilds the string on every access; cache it per doc."""
    st = state(doc)
    cached = st.text_n
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    text = st.text
    if text is None or len(text) != (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0):
        text = doc.text
        st.text = text
    st.text_n = (len(doc), text)
    return text


def span_text(doc, i: int, j: int) -> str:
    """``doc[i:j].text`` without making a Span: a slice of the cached text between the
    first token's start and the last token's end (the sentence stage keeps the offsets)."""
    st = state(doc)
    idx = st.idx
    texts = st.texts
    n = len(doc)
    if idx is None or texts is None or len(idx) != n or not (0 <= i < j <= n):
        return doc[i:j].text
    return text_of(doc)[idx[i]:idx[j - 1] + len(texts[j - 1])]


_SMALL = {"a", "an", "the", "and", "or", "of", "for", "in", "on", "to", "with", "is", "are", "do",
          "does", "at", "by", "from", "vs", "via", "as", "be", "can", "same", "what", "how", "why"}


def titleish(s: str) -> bool:
    """Reads like a paper title: three or more words, most content words capitalised."""
    words = re.findall(r"[A-Za-z][\w'’-]*", s)
    if len(words) < 3:
        return False
    content = [w for w in words if w.lower() not in _SMALL]
    caps = sum(1 for w in content if w[0].isupper())
    return bool(content) and caps / len(content) >= 0.75


# "ReAct: Reasoning and Acting with Language Models", "IsoNN: Isomorphic Neural Network
# for …": a short name, a colon, a subtitle of three or more words
_NAMED_TITLE = re.compile(r"^(?P<name>[A-Z0-9][^\s:]*(?: [^\s:]+){0,4}): (?P<sub>[A-Z]\S*(?: \S+){2,})$")
# what opens a note or a changelog line rather than a paper ("Note: …", "Update: we …")
_NOT_TITLE_HEADS = {"note", "notes", "update", "updates", "news", "highlights", "usage", "example", "examples",
                    "warning", "tip", "tl;dr", "tldr", "abstract", "summary", "paper", "code", "install",
                    "installation", "requirements", "features", "new", "fix", "fixes", "bug", "docs",
                    "breaking", "breaking changes", "deprecations", "improvements", "documentation",
                    "contributors", "license", "citation", "reference", "references", "source", "demo"}
_NOT_TITLE_OPENERS = {"we", "i", "this", "it", "you", "our", "these", "please", "see", "add", "adds",
                      "fix", "fixes", "support", "supports", "use", "uses", "now", "the"}


def named_title(text: str) -> bool:
    """Whether ``text`` has the shape of a titled paper, "Name: Subtitle of Three or More
    Words" (the subtitle mostly capitalised), rather than a note ("Note: this is …")."""
    m = _NAMED_TITLE.match(text.strip())
    if not m or m.group("name").lower() in _NOT_TITLE_HEADS \
            or m.group("name").split()[0].lower() in _NOT_TITLE_HEADS | {"step", "part", "chapter", "section"} \
            or "," in m.group("name"):      # "April, 2022: …" is a dated note
        return False
    sub = m.group("sub")
    if sub.split()[0].lower() in _NOT_TITLE_OPENERS or re.search(r"[.!?]\s", sub) or sub.endswith((".", "!", "?")):
        return False
    return titleish(sub) or len(sub.split()) >= 4 and sub.split()[0][0].isupper() and \
        sum(w[0].isupper() for w in sub.split()) >= 2
