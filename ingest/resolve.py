"""Entity resolution within and across documents.

Two surface forms are the same entity when, for the same label,
- they are equal after folding case/punctuation/spacing (``MLP Mixer`` = ``mlp-mixer``),
- one is a known alias of the other (catalog, or "Long Name (ABBR)" in text),
- they differ only by a model size (``LLaMA 2 7B`` → ``LLaMA 2``, ``T5-11B`` → ``T5``,
  ``Flan-PaLM 540B`` → ``Flan-PaLM``), or
- they are fuzzy-equal (rapidfuzz ratio ≥ ``FUZZY_THRESHOLD``) *and* carry the same
  digits *and* neither extends the other with extra letters/digits — so GPT-3 ≠
  GPT-3.5, PyTorch ≠ PyTorch3D, TSMixer ≠ MLP-Mixer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from kg.keys import normalize_name

FUZZY_THRESHOLD = 92.0

_SIZE_TAIL = re.compile(
    r"(?:[\s_-]+|(?<=[a-z]))\(?\$?\d+(?:\.\d+)?\s?(?:[BMKT]|billion|million)\$?\)?"
    r"(?:[\s-]*(?:param(?:eter)?s?))?$", re.I)
_SIZE_HEAD = re.compile(r"^\$?\d+(?:\.\d+)?\s?[BMKT]\$?\s+(?=\S)")
_MODEL_TAIL = re.compile(r"\s+(?:model|models|model family|model suite|family)$")


@lru_cache(maxsize=65536)
def fold_size(name: str) -> str:
    """Drop a model size and a trailing 'model': ``LLaMA 2 7B`` → ``LLaMA 2``."""
    name = name.strip()
    for _ in range(2):
        new = _MODEL_TAIL.sub("", name)
        m = _SIZE_TAIL.search(new)
        if m and m.start() > 0:
            stem = new[:m.start()].rstrip(" -_")
            if any(c.isalpha() for c in stem) and len(normalize_name(stem)) >= 2:
                new = stem
        new = _SIZE_HEAD.sub("", new)
        if new == name:
            break
        name = new
    return name


@lru_cache(maxsize=131072)
def _digits(key: str) -> str:
    return "".join(c for c in key if c.isdigit())


@lru_cache(maxsize=131072)
def _key(name: str) -> str:
    return normalize_name(name)


@lru_cache(maxsize=131072)
def _fkey(name: str) -> str:
    """Normalized key of the size-folded name (cached: resolution compares names often)."""
    return normalize_name(fold_size(name))


def same_entity(a: str, b: str, threshold: float = FUZZY_THRESHOLD) -> bool:
    """Whether two names (same label) denote one entity."""
    return _same_keys(_fkey(a), _fkey(b), threshold)


def _same_keys(ka: str, kb: str, threshold: float = FUZZY_THRESHOLD) -> bool:
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if _digits(ka) != _digits(kb):
        return False
    if ka.startswith(kb) or kb.startswith(ka):
        return False       # PyTorch vs PyTorchLightning: an extension is another thing
    if min(len(ka), len(kb)) < 6:
        return False
    return fuzz.ratio(ka, kb) >= threshold


@dataclass
class Cluster:
    label: str
    names: list[str] = field(default_factory=list)     # surface forms, in order seen
    aliases: set[str] = field(default_factory=set)
    canonical: str | None = None                        # catalog/explicit name wins
    props: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.canonical:
            return self.canonical
        counts: dict[str, int] = {}
        for n in self.names:
            counts[n] = counts.get(n, 0) + 1
        return max(self.names, key=lambda n: (counts[n], -self.names.index(n)))

    def keys(self) -> set[str]:
        return {_fkey(n) for n in (*self.names, *self.aliases)} - {""}


class Resolver:
    """Accumulates mentions and clusters them; usable for one document or many."""

    def __init__(self, threshold: float = FUZZY_THRESHOLD):
        self.threshold = threshold
        self.clusters: list[Cluster] = []
        self._by_key: dict[tuple[str, str], int] = {}
        # (label, digits) -> ([cluster id], [folded key]) for each cluster's first 5 names,
        # the only names fuzzy matching looks at (fuzzy-equal names carry the same digits)
        self._fuzzy: dict[tuple[str, str], tuple[list[int], list[str]]] = {}

    def add(self, label: str, name: str, aliases=(), canonical: str | None = None,
            props: dict | None = None) -> int:
        """Add a mention; returns its cluster id."""
        label = str(label)
        surface = fold_size(name) if label not in {"Paper", "Person", "Organization"} else name.strip()
        if not _key(surface):
            surface = name.strip()
        keys = [_key(surface)] + [_fkey(a) for a in aliases]
        if canonical:
            keys.append(_key(canonical))
        cid = None
        for k in keys:
            if (label, k) in self._by_key:
                cid = self._by_key[(label, k)]
                break
        if cid is None and label != "Paper":
            cid = self._fuzzy_match(label, _fkey(surface))
        if cid is None:
            self.clusters.append(Cluster(label))
            cid = len(self.clusters) - 1
        c = self.clusters[cid]
        c.names.append(surface)
        if len(c.names) <= 5:
            kn = _fkey(surface)
            if len(kn) >= 6:
                ids, ks = self._fuzzy.setdefault((label, _digits(kn)), ([], []))
                ids.append(cid)
                ks.append(kn)
        new_keys = {_fkey(surface), *(_fkey(a) for a in aliases if a)}
        c.aliases.update(a for a in aliases if a)
        if surface != name.strip():
            c.aliases.add(name.strip())
            new_keys.add(_fkey(name.strip()))
        if canonical and not c.canonical:
            c.canonical = canonical
        if canonical:
            new_keys.add(_key(canonical))
        if props:
            for k, v in props.items():
                c.props.setdefault(k, v)
        for k in new_keys - {""}:
            self._by_key.setdefault((label, k), cid)
        return cid

    def _fuzzy_match(self, label: str, ks: str) -> int | None:
        """The oldest cluster with a fuzzy-equal name (same rules as ``same_entity``)."""
        if len(ks) < 6:
            return None
        bucket = self._fuzzy.get((label, _digits(ks)))
        if not bucket:
            return None
        ids, keys = bucket
        best = None
        for _key_, _score, at in process.extract(ks, keys, scorer=fuzz.ratio,
                                                 score_cutoff=self.threshold, limit=None):
            kn = keys[at]
            if ks == kn or not (ks.startswith(kn) or kn.startswith(ks)):
                if best is None or ids[at] < best:
                    best = ids[at]
        return best

    def name_of(self, cid: int) -> str:
        return self.clusters[cid].name

    def aliases_of(self, cid: int) -> list[str]:
        c = self.clusters[cid]
        main = _key(c.name)
        out = []
        for n in [*c.names, *sorted(c.aliases)]:
            if n and _key(n) != main and n not in out:
                out.append(n)
        return out


def resolve_across(extractions) -> dict[tuple[str, str], str]:
    """Map (label, name) from many documents' extractions to one canonical name."""
    resolver = Resolver()
    ids = {}
    for ex in extractions:
        for ent in ex.entities:
            ids[(str(ent.label), ent.name)] = resolver.add(str(ent.label), ent.name, ent.aliases)
    return {key: resolver.name_of(cid) for key, cid in ids.items()}
