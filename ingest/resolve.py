"""Entity resolution within and across documents.

Two surface forms are the same entity when, for the same label,
- they are equal after folding case/punctuation/spacing (``MLP Mixer`` = ``mlp-mixer``),
- one is a known alias of the other (catalog, or "Long Name (ABBR)" in text),
- they differ only by a trailing "model"/"family" (``Orca model`` = ``Orca``), or
- they are fuzzy-equal (rapidfuzz ratio ≥ ``FUZZY_THRESHOLD``) *and* carry the same
  digits *and* neither extends the other at either end *and* both are at least
  ``FUZZY_MIN_KEY`` characters *and* the catalog does not know them as two entries —
  so GPT-3 ≠ GPT-3.5, PyTorch ≠ PyTorch3D ≠ GPyTorch, Transformer ≠ iTransformer,
  ResNet ≠ ResNeXt, BigGAN ≠ BigVGAN, Northwestern ≠ Northeastern University. (In ML
  names one inserted letter is usually another model, not a typo; case, spacing and
  hyphens are folded before any of this.)

Never the same: a size or version variant and its family (``Llama-2-7B`` ≠ ``Llama 2``,
``ResNet-18`` ≠ ``ResNet``: the text named the variant), a short name and a longer one
that merely contains it (``BERT`` ≠ ``HuBERT``), two papers with different arXiv ids.
An alias must fit its name (``compatible``): "Vision Transformer (CvT)" cut out of
"Convolutional vision Transformer (CvT)" does not make CvT a Vision Transformer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from kg.keys import normalize_name

FUZZY_THRESHOLD = 92.0
FUZZY_MIN_KEY = 10      # shorter keys are one edit from another model's name

_SIZE_TAIL = re.compile(
    r"(?:[\s_-]+|(?<=[a-z]))\(?\$?\d+(?:\.\d+)?\s?(?:[BMKT]|billion|million)\$?\)?"
    r"(?:[\s-]*(?:param(?:eter)?s?))?$", re.I)
_SIZE_HEAD = re.compile(r"^\$?\d+(?:\.\d+)?\s?[BMKT]\$?\s+(?=\S)")
_MODEL_TAIL = re.compile(r"\s+(?:model|models|model family|model suite|family|LLM|LLMs|dataset|benchmark)$")
# "ViTs", "LDMs", "VQ-VAEs": an acronym's plural names the acronym's artifact (two capitals
# at least, the last one right before the "s": "ResNets", "Transformers" are not folded)
_ACRONYM_PLURAL = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})([A-Za-z0-9][\w.-]*[A-Z])s$")


@lru_cache(maxsize=65536)
def fold_size(name: str) -> str:
    """Drop a model size and a trailing 'model': ``LLaMA 2 7B`` → ``LLaMA 2``. Not used to
    resolve (a variant is its own node); for reports that group a family."""
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


@lru_cache(maxsize=65536)
def fold_model(name: str) -> str:
    """Drop a trailing 'model' / 'family' / 'dataset' and an acronym's plural: ``Orca
    model`` → ``Orca``, ``GLaM dataset`` → ``GLaM``, ``ViTs`` → ``ViT``; sizes stay."""
    name = name.strip()
    folded = _ACRONYM_PLURAL.sub(r"\1", _MODEL_TAIL.sub("", name))
    return folded if len(normalize_name(folded)) >= 2 else name


@lru_cache(maxsize=131072)
def _fkey(name: str) -> str:
    """Normalized key of the name without a trailing 'model' (cached: resolution
    compares names often)."""
    return normalize_name(fold_model(name))


def same_entity(a: str, b: str, threshold: float = FUZZY_THRESHOLD) -> bool:
    """Whether two names (same label) denote one entity."""
    return _same_keys(_fkey(a), _fkey(b), threshold)


def _same_keys(ka: str, kb: str, threshold: float = FUZZY_THRESHOLD) -> bool:
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if not _fuzzy_candidates(ka, kb):
        return False
    return fuzz.ratio(ka, kb) >= threshold


def _fuzzy_candidates(ka: str, kb: str) -> bool:
    """Whether two different keys may be spelling variants at all (before the ratio)."""
    if min(len(ka), len(kb)) < FUZZY_MIN_KEY or _digits(ka) != _digits(kb):
        return False
    if ka.startswith(kb) or kb.startswith(ka) or ka.endswith(kb) or kb.endswith(ka):
        return False       # PyTorchLightning, GPyTorch: an extension is another thing
    return not _catalog_distinct(ka, kb)


@lru_cache(maxsize=65536)
def _catalog_entries(key: str) -> frozenset[tuple[str, str]]:
    from ingest.extract.catalog import get_catalog   # the extractor's data; loaded once
    return frozenset((e.label, e.name) for e in get_catalog().lookup(key))


def _catalog_distinct(ka: str, kb: str) -> bool:
    """Whether the catalog names the two keys as different entries (and never the same)."""
    a, b = _catalog_entries(ka), _catalog_entries(kb)
    return bool(a and b and not a & b)


def _letters(text: str) -> str:
    return "".join(c for c in normalize_name(text) if c.isalpha())


def abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` can be an abbreviation of the multi-word ``full``: its letters
    appear in order in ``full``, the first one starting ``full`` (ViT / Vision Transformer,
    HuBERT / Hidden-Unit BERT, ResNet / Residual Network; not CvT / Vision Transformer)."""
    a, b = _letters(short), _letters(full)
    if not a or not b or a[0] != b[0]:
        return False
    at = 0
    for ch in a:
        at = b.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def compatible(a: str, b: str) -> bool:
    """Whether ``a`` may be an alias of ``b``. Never a short name that a longer name
    merely contains (BERT / HuBERT, DETR / RT-DETR, ViT / GroupViT): the longer one
    must start with the shorter one (a variant: GANs, ViT-B/16) or the shorter one
    must abbreviate it; multi-word names (Meta AI / Facebook AI) are the catalog's or
    the text's word and stay."""
    ka, kb = _key(a), _key(b)
    if not ka or not kb or ka == kb or _fkey(a) == _fkey(b):
        return True
    short, long_, ks, kl = (a, b, ka, kb) if len(ka) <= len(kb) else (b, a, kb, ka)
    if kl.startswith(ks):
        return True
    if ks in kl:
        return False
    if len(short.split()) > 1:
        return True
    return abbreviates(short, long_)


def _fitting_aliases(label: str, name: str, aliases) -> list[str]:
    """The aliases that may stand for ``name``: the catalog's own aliases, those that
    ``compatible`` allows, and variants of an accepted alias (ViT-B/16 after ViT)."""
    trusted = _catalog_aliases(label, name)
    kept: list[str] = []
    for a in aliases:
        if a and (a in trusted or compatible(a, name)
                  or any(_key(a).startswith(_key(k)) for k in kept)):
            kept.append(a)
    return kept


@lru_cache(maxsize=65536)
def _catalog_aliases(label: str, name: str) -> frozenset[str]:
    from ingest.extract.catalog import get_catalog   # the extractor's data; loaded once
    return frozenset(a for e in get_catalog().lookup(name)
                     if e.label == label and _key(e.name) == _key(name) for a in e.aliases)


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
        surface = fold_model(name) if label not in {"Paper", "Person", "Organization"} else name.strip()
        if not _key(surface):
            surface = name.strip()
        # an alias must fit the name: "Convolutional vision Transformer (CvT)" read as
        # "Vision Transformer (CvT)" must not make CvT a name of the Vision Transformer
        # an alias must fit the name: "Vision Transformer (CvT)" cut out of "Convolutional
        # vision Transformer (CvT)" does not make CvT a name of the Vision Transformer
        aliases = _fitting_aliases(label, canonical or surface, aliases)
        keys = [_key(surface)] + [_fkey(a) for a in aliases]
        if canonical:
            keys.append(_key(canonical))
        cid = None
        for k in keys:
            if (label, k) in self._by_key:
                cid = self._by_key[(label, k)]
                break
        arxiv_id = (props or {}).get("arxiv_id") if label == "Paper" else None
        if cid is not None and arxiv_id and self.clusters[cid].props.get("arxiv_id") not in (None, arxiv_id):
            cid = None      # two arXiv ids are two papers, whatever their titles
        if cid is None and label != "Paper":
            cid = self._fuzzy_match(label, _fkey(surface))
        if cid is None:
            self.clusters.append(Cluster(label))
            cid = len(self.clusters) - 1
        c = self.clusters[cid]
        c.names.append(surface)
        if len(c.names) <= 5:
            kn = _fkey(surface)
            if len(kn) >= FUZZY_MIN_KEY:
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
        if len(ks) < FUZZY_MIN_KEY:
            return None
        bucket = self._fuzzy.get((label, _digits(ks)))
        if not bucket:
            return None
        ids, keys = bucket
        best = None
        for _key_, _score, at in process.extract(ks, keys, scorer=fuzz.ratio,
                                                 score_cutoff=self.threshold, limit=None):
            kn = keys[at]
            if ks == kn or _fuzzy_candidates(ks, kn):
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
