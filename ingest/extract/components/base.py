"""Shared structures for the mlkg spaCy components.

Components communicate through ``doc.user_data``:
``mlkg_meta``      dict: kind, title span, links, tags (set before the pipeline runs)
``mlkg_mentions``  list[Mention]: candidates, later resolved to non-overlapping mentions
``mlkg_subject``   index into mentions of the item's subject, or None
``mlkg_coref``     list[(token start, token end, mention index)] for "It", "the library", …
``mlkg_relations`` list[RelationHit]
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


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    with open(PATTERNS_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def meta(doc) -> dict:
    return doc.user_data.setdefault("mlkg_meta", {})


def mentions(doc) -> list[Mention]:
    return doc.user_data.setdefault("mlkg_mentions", [])


def text_of(doc) -> str:
    """``doc.text`` rebuilds the string on every access; cache it per doc."""
    cached = doc.user_data.get("mlkg_text_n")
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    text = doc.user_data.get("mlkg_text")
    if text is None or len(text) != (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0):
        text = doc.text
        doc.user_data["mlkg_text"] = text
    doc.user_data["mlkg_text_n"] = (len(doc), text)
    return text


def span_text(doc, i: int, j: int) -> str:
    """``doc[i:j].text`` without making a Span: a slice of the cached text between the
    first token's start and the last token's end (the sentence stage keeps the offsets)."""
    ud = doc.user_data
    idx = ud.get("mlkg_idx")
    texts = ud.get("mlkg_texts")
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
