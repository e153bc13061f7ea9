"""The name catalog: known organizations, libraries, architectures, datasets and
people, loaded once from ``catalog/*.tsv`` into an immutable structure.

TSV files have a header ``name\taliases``; aliases are ``|``-separated.
``generic_terms.txt`` holds one lowercase phrase per line: terms that are never
entities on their own ("deep learning", "llm", …). Files may be missing or still
growing; unreadable lines are skipped.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from kg.keys import normalize_name

@lru_cache(maxsize=131072)
def _norm(surface: str) -> str:
    return normalize_name(surface)


CATALOG_DIR = Path(__file__).with_name("catalog")
PATTERNS_DIR = Path(__file__).with_name("patterns")

FILES = {
    "Organization": "organizations.tsv",
    "Library": "libraries.tsv",
    "Architecture": "architectures.tsv",
    "Dataset": "datasets.tsv",
    "Person": "people.tsv",
}


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    label: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    entries: tuple[CatalogEntry, ...]
    # normalized surface form -> entries (a form may be listed under several labels)
    by_key: Mapping[str, tuple[CatalogEntry, ...]]
    generic: frozenset[str]  # normalized generic terms

    def lookup(self, surface: str) -> tuple[CatalogEntry, ...]:
        return self.by_key.get(_norm(surface), ())

    def is_generic(self, surface: str) -> bool:
        return _norm(surface) in self.generic

    def surfaces(self):
        """(surface form, entry) for every name and alias."""
        for entry in self.entries:
            yield entry.name, entry
            for alias in entry.aliases:
                yield alias, entry


def _read_tsv(path: Path, label: str) -> list[CatalogEntry]:
    out: list[CatalogEntry] = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for number, line in enumerate(text.splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\r").split("\t")
        name = parts[0].strip()
        if number == 0 and name.lower() == "name":
            continue
        if not name or not normalize_name(name):
            continue
        aliases = tuple(a.strip() for a in (parts[1] if len(parts) > 1 else "").split("|")
                        if a.strip() and normalize_name(a))
        out.append(CatalogEntry(label, name, aliases))
    return out


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def load_catalog(directory: Path | str | None = None) -> Catalog:
    directory = Path(directory) if directory else CATALOG_DIR
    entries: list[CatalogEntry] = []
    for label, filename in FILES.items():
        entries.extend(_read_tsv(directory / filename, label))
    by_key: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        for surface in (entry.name, *entry.aliases):
            bucket = by_key.setdefault(normalize_name(surface), [])
            if entry not in bucket:
                bucket.append(entry)
    generic = {normalize_name(t) for t in _read_lines(directory / "generic_terms.txt")}
    generic |= {normalize_name(t) for t in _read_lines(PATTERNS_DIR / "generic_extra.txt")}
    generic.discard("")
    return Catalog(tuple(entries),
                   MappingProxyType({k: tuple(v) for k, v in by_key.items()}),
                   frozenset(generic))


_LOCK = threading.Lock()
_CACHE: dict[str, Catalog] = {}


def get_catalog(directory: Path | str | None = None) -> Catalog:
    """The catalog for ``directory`` (default: the packaged one), loaded once."""
    key = str(directory or CATALOG_DIR)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_catalog(directory)
        return _CACHE[key]


def write_without_names(texts: list[str], out_dir: Path | str, directory: Path | str | None = None) -> int:
    """The catalog ablation: copy the catalog to ``out_dir`` without every entry any of
    whose names occurs in ``texts`` (case-insensitive, whole words), so an evaluation
    measures what the extractor finds without knowing the names. Returns the number
    of entries left out."""
    import re
    import shutil
    src = Path(directory) if directory else CATALOG_DIR
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    haystack = "\n".join(texts).lower()
    dropped = 0

    def occurs(surface: str) -> bool:
        s = surface.lower().strip()
        return bool(s) and re.search(r"(?<![0-9a-z])" + re.escape(s) + r"(?![0-9a-z])", haystack) is not None

    for path in src.iterdir():
        if path.suffix != ".tsv":
            shutil.copy(path, out / path.name)
            continue
        kept = []
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
            parts = line.split("\t")
            if number == 0 or not line.strip() or line.startswith("#"):
                kept.append(line)
                continue
            names = [parts[0], *(parts[1].split("|") if len(parts) > 1 else [])]
            if any(occurs(n) for n in names):
                dropped += 1
                continue
            kept.append(line)
        (out / path.name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    return dropped
