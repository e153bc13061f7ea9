"""Stable node keys and name normalization.

A Paper is keyed by its version-less arXiv id when known, else by its normalized
title; every other entity by its normalized canonical name (unique per label).
Normalization folds case, spells out "+" and "#" and drops everything else but
letters and digits, so ``MLP Mixer``, ``mlp-mixer`` and ``MLP-Mixer`` share one key
while ``PointNet++`` keeps its own.
"""
from __future__ import annotations

import re
import unicodedata

_ARXIV_NEW = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.I)
_ARXIV_OLD = re.compile(r"^(?:arxiv:)?([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.I)


# "+" and "#" name different artifacts (PointNet++ is not PointNet, C# is not C), so
# they are spelled out rather than dropped; "Command R+" and "Command R Plus" still meet
_SIGNS = str.maketrans({"+": "plus", "#": "sharp"})


def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).casefold()
    if ("+" in text or "#" in text) and any(ch.isalnum() for ch in text):
        text = text.translate(_SIGNS)
    return "".join(ch for ch in text if ch.isalnum())


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
