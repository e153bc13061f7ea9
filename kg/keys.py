"""Stable node keys and name normalization.

A Paper is keyed by its version-less arXiv id when known, else by its normalized
title; every other entity by its normalized canonical name (unique per label).
Normalization folds case, spells out "+" and "#" and drops everything else but
letters and digits, so ``MLP Mixer``, ``mlp-mixer`` and ``MLP-Mixer`` share one key
while ``PointNet++`` keeps its own.

Every identifier that reaches a store as a key — document (source) ids through
``clean_identifier``, entity keys and alias norms through ``normalize_name`` — is
bounded to ``MAX_KEY_BYTES`` of UTF-8: a longer one keeps its head and ends in a
hash of the whole. FalkorDB 4.16 segfaults when a uniquely constrained string has
leading/trailing whitespace or control characters, or is over 4,096 bytes
(docs/falkordb-crash-repro.md); Neo4j refuses index keys over ~8 kB.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

_ARXIV_NEW = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.I)
_ARXIV_OLD = re.compile(r"^(?:arxiv:)?([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.I)


# "+" and "#" name different artifacts (PointNet++ is not PointNet, C# is not C), so
# they are spelled out rather than dropped; "Command R+" and "Command R Plus" still meet
_SIGNS = str.maketrans({"+": "plus", "#": "sharp"})

MAX_KEY_BYTES = 512

# control (Cc: tabs, newlines, NUL, DEL, C1), format (Cf: zero-width, bidi
# overrides, BOM) and lone surrogates (Cs: no UTF-8 form, the drivers raise on them)
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).casefold()
    if ("+" in text or "#" in text) and any(ch.isalnum() for ch in text):
        text = text.translate(_SIGNS)
    return bound_key("".join(ch for ch in text if ch.isalnum()), separator="")


def clean_identifier(value: str, *, bounded: bool = True) -> str:
    """An untrusted id as it is stored: whitespace runs become one space, control
    and format characters and lone surrogates are dropped, Unicode NFC, trimmed,
    and bounded by ``bound_key``. May return "" (the caller refuses an empty id)."""
    if not isinstance(value, str):
        raise TypeError(f"an identifier must be text, not {type(value).__name__}")
    if value.isascii() and value.isprintable() and value.strip(" ") == value and "  " not in value \
            and (not bounded or len(value) <= MAX_KEY_BYTES):
        return value        # already clean: the common case, on every source id a load writes
    out = []
    for ch in value:
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            out.append(ch)
    cleaned = unicodedata.normalize("NFC", "".join(out)).strip()
    return bound_key(cleaned) if bounded else cleaned


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(value: str) -> str:
    """``value`` with lone surrogates (JSON's "\\ud800": no UTF-8 form, so both
    drivers refuse the whole write) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value


def bound_key(value: str, *, separator: str = "~") -> str:
    """``value`` if it fits ``MAX_KEY_BYTES`` of UTF-8, else its head, ``separator``
    and 32 hex digits of the SHA-256 of the whole (distinct long ids stay distinct)."""
    data = value.encode("utf-8")
    if len(data) <= MAX_KEY_BYTES:
        return value
    digest = hashlib.sha256(data).hexdigest()[:32]
    head = data[:MAX_KEY_BYTES - len(separator) - len(digest)].decode("utf-8", "ignore")
    return f"{head.rstrip()}{separator}{digest}"


def normalize_arxiv_id(value: str) -> str | None:
    """``2105.01601v3`` → ``2105.01601``; ``hep-th/9901001v1`` → ``hep-th/9901001``;
    anything that is not an arXiv id → None."""
    value = value.strip()
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(value)
        if match:
            return match.group(1)
    return None


def entity_key(label: str, name: str, arxiv_id: str | None = None) -> str:
    if label == "Paper":
        if arxiv_id:
            normalized = normalize_arxiv_id(arxiv_id)
            if normalized:
                return f"arxiv:{normalized}"
        return f"title:{normalize_name(name)}"
    return normalize_name(name)
