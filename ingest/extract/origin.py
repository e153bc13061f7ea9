"""Placeholder: docs-page origin facts (filled in below)."""
from __future__ import annotations


def add_origin(doc, extraction):
    return extraction
