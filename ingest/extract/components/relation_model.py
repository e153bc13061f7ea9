"""The learned relation model: a linear classifier over candidate mention pairs.

Candidates (``candidate_pairs``) are ordered pairs (head, tail) of typed mentions
whose labels some relation type allows: pairs within a sentence, and item-level
pairs between the item's subject (heading, bold or first linked name, arXiv title)
and every mention of the body — facts that hang on the item rather than on a name
in the same sentence. A sentence that opens with "It"/"The library" puts the subject
there too. The library a document comes from (its repository or docs site), where the
text names it, is paired with the document's other names the same way.

Features (``pair_features``) describe the context, never the names themselves, so
the model carries over to names it has not seen: the label pair, the words between
the two mentions and around them, their order and distance, other mentions in
between, coordination, parentheses, whether the pair is item-level, and how one name
is built from the other ("Real-ESRGAN" from "ESRGAN": ``derivation``). They are hashed
into a fixed space; the weights (one row per class, ``NONE`` first) are a numpy
archive trained by ``python -m ingest.extract.training relations``.
"""
from __future__ import annotations

import bisect
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.language import Language

from kg.keys import normalize_name
from kg.schema import ENDPOINTS, RelType
from ingest.extract.components.base import Mention, RelationHit, meta, mentions, span_text, text_of, state

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "relations.npz"
N_FEATURES = 1 << 18
CLASSES = ("NONE",) + tuple(t.value for t in RelType)
MAX_GAP = 40      # tokens between two mentions of one sentence

# (head label, tail label) → relation types it allows
_ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {}
for _t, _pairs in ENDPOINTS.items():
    for _h, _l in _pairs:
        _ALLOWED.setdefault((_h.value, _l.value), ())
        _ALLOWED[(_h.value, _l.value)] += (_t.value,)

_NUM = re.compile(r"\d")


@dataclass(slots=True)
class Candidate:
    head: int         # mention index
    tail: int
    sentence: int     # the sentence the evidence comes from (the later mention's)
    item: bool        # item-level: the subject and a mention in another sentence
    body: int = -1    # for item-level pairs: the mention that is not the subject
    origin: bool = False   # item-level with the library the document comes from as the "subject"


def _word(t: str) -> str:
    t = t.lower()
    return _NUM.sub("0", t) if len(t) < 25 else "<long>"


def _sentence_of(doc, m: Mention) -> int:
    index = state(doc).sent_index
    return index[m.start] if index and m.start < len(index) else 0


def candidate_pairs(doc, ms: list[Mention], subject: int | None) -> list[Candidate]:
    sent = [_sentence_of(doc, m) for m in ms]
    usable = [i for i, m in enumerate(ms) if m.label and not m.props.get("inner_of")]
    inner = [i for i, m in enumerate(ms) if m.label and m.props.get("inner_of")]
    out: list[Candidate] = []
    seen = set()

    def add(h, t, s, item):
        if h != t and (h, t) not in seen and (ms[h].label, ms[t].label) in _ALLOWED:
            seen.add((h, t))
            out.append(Candidate(h, t, s, item))

    texts = state(doc).texts or [t.text for t in doc]
    by_sent: dict[int, list[int]] = {}
    for i in usable + inner:
        by_sent.setdefault(sent[i], []).append(i)
    for s, idxs in by_sent.items():
        idxs.sort(key=lambda i: ms[i].start)
        for a_pos, a in enumerate(idxs):
            for b in idxs[a_pos + 1:]:
                if ms[b].start - ms[a].end > MAX_GAP:
                    break
                if "|" in texts[ms[a].end:ms[b].start]:
                    continue        # cells of a markdown table are not one sentence
                add(a, b, s, False)
                add(b, a, s, False)
    if subject is not None and subject < len(ms) and ms[subject].label:
        for i in usable:
            if sent[i] != sent[subject]:
                add(subject, i, sent[i], True)
                add(i, subject, sent[i], True)
        for c in out:
            if c.item:
                c.body = c.tail if c.head == subject else c.head
    # the library the document comes from (its repository or docs site), named in the
    # text: "Support PETR in projects" in mmdet3d's changelog is about mmdet3d
    origin = meta(doc).get("origin")
    if origin:
        named = [i for i in usable if ms[i].label == "Library"
                 and any(normalize_name(n) in origin for n in (ms[i].name, *ms[i].aliases))]
        if named:
            lib = named[0]
            for i in usable:
                if sent[i] != sent[lib]:
                    for h, t in ((lib, i), (i, lib)):
                        if h != t and (h, t) not in seen and (ms[h].label, ms[t].label) in _ALLOWED:
                            seen.add((h, t))
                            out.append(Candidate(h, t, sent[i], True, i, origin=True))
    return out


class _Between:
    """The labelled mentions lying between two token offsets, found by bisection over
    the mentions sorted by start (a scan of every mention per pair was cubic per doc)."""

    def __init__(self, ms: list[Mention]):
        order = sorted((m.start, i) for i, m in enumerate(ms) if m.label)
        self.starts = [st for st, _ in order]
        self.index = [i for _, i in order]
        self.ms = ms

    def __call__(self, start: int, end: int) -> list[Mention]:
        k = bisect.bisect_left(self.starts, start)
        found = []
        while k < len(self.starts) and self.starts[k] < end:
            i = self.index[k]
            if self.ms[i].end <= end:
                found.append(i)
            k += 1
        return [self.ms[i] for i in sorted(found)]     # in mention order, as features were trained


def rule_roles(hits, ms: list[Mention]) -> dict[tuple[str, int], set[tuple[str, int]]]:
    """(role, mention) → {(relation type, other mention)} of the facts the rules found:
    "Implementation of Imagen, …, that beats DALL-E2, in Pytorch" — the rule already made
    PyTorch the implementer of Imagen, which tells against a second IMPLEMENTS to DALL-E2."""
    roles: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for h in hits:
        roles.setdefault(("head", h.head), set()).add((h.type, h.tail))
        roles.setdefault(("tail", h.tail), set()).add((h.type, h.head))
    return roles


def _rule_context(c: Candidate, lp: str, roles: dict) -> list[str]:
    f = []
    for role, own, other in (("head", c.head, c.tail), ("tail", c.tail, c.head)):
        for rtype, partner in roles.get((role, own), ()):
            if partner != other:
                f.append(f"rule_{role}={rtype}|lp={lp}|item={c.item}")
    return f


_VERSION = re.compile(r"(?:v|version)?\d+(?:\.\d+)*[a-z]?")
_SIZE = re.compile(r"\d+(?:\.\d+)?(?:x\d+)?[kmbt]")


def derivation(longer: str, shorter: str) -> str | None:
    """How a name is built from another it contains ("Real-ESRGAN" from "ESRGAN",
    "DeBERTaV3" from "DeBERTa", "Llama-2-7B" from "Llama-2"): the kind of the rest —
    a version, a size, a plural, "++", or words before or after — and whether the
    shorter name starts at a word boundary. None when it does not contain it. Derived
    names are often BUILT_ON their base, versions and sizes of one family less often;
    the classifier weighs the kinds, it never sees the names."""
    a, b = longer.lower(), shorter.lower()
    if len(b) < 3 or a == b or b not in a:
        return None
    i = a.index(b)
    before, after = a[:i].strip(" -_/."), a[i + len(b):].strip(" -_/.")
    rest = before + after
    if not rest:
        return None
    if not before and _SIZE.fullmatch(after):
        kind = "size"
    elif not before and _VERSION.fullmatch(after):
        kind = "version"
    elif not before and after == "s":
        kind = "plural"
    elif not before and set(after) <= {"+"}:
        kind = "plus"
    elif before and after:
        kind = "around"
    else:
        kind = "before" if before else "after"
    bound = i == 0 or not a[i - 1].isalnum() or (longer[i].isupper() and longer[i - 1].islower())
    return f"{kind}|bound={bound}"


def pair_features(doc, ms: list[Mention], c: Candidate, kind: str, texts: list[str],
                  coref_sents: set[int], labelled_between: _Between | None = None,
                  roles: dict | None = None) -> list[str]:
    h, t = ms[c.head], ms[c.tail]
    lp = f"{h.label}>{t.label}"
    first, second = (h, t) if h.start <= t.start else (t, h)
    order = "ht" if first is h else "th"
    f = [f"lp={lp}", f"lp={lp}|o={order}", f"k={kind}|lp={lp}",
         f"item={'origin' if c.origin else c.item}|lp={lp}"]
    if roles:
        f += _rule_context(c, lp, roles)
    for role, (x, y) in (("h>t", (h, t)), ("t>h", (t, h))):
        d = derivation(x.name, y.name)
        if d:
            f.append(f"derive={role}|lp={lp}")
            f.append(f"derive={role}|{d}|lp={lp}")
    if h.props.get("inner_of") or t.props.get("inner_of"):
        f.append(f"inner|lp={lp}")
    n = len(texts)
    if c.item:
        # the body mention's context, and how its sentence opens ("It supports …")
        body = ms[c.body]
        bounds = state(doc).sents or []
        s0 = bounds[c.sentence][0] if c.sentence < len(bounds) else body.start
        tag = "origin" if c.origin else "item"
        f.append(f"{tag}|coref={c.sentence in coref_sents}|lp={lp}|o={order}")
        f.append(f"{tag}|first={body.start == s0}|lp={lp}|o={order}")
        for k in range(s0, min(s0 + 3, n)):
            f.append(f"{tag}|open={_word(texts[k])}|lp={lp}|o={order}")
        for k in range(max(s0, body.start - 4), body.start):
            f.append(f"{tag}|pre={_word(texts[k])}|lp={lp}|o={order}")
        for k in range(body.end, min(n, body.end + 3)):
            f.append(f"{tag}|post={_word(texts[k])}|lp={lp}|o={order}")
        return f
    between = texts[first.end:second.start]
    gap = len(between)
    f.append(f"gap={min(gap, 10) if gap < 10 else (15 if gap < 20 else 30)}|lp={lp}")
    words = [_word(w) for w in between]
    for w in words:
        f.append(f"bw={w}|o={order}")
        f.append(f"bw={w}|lp={lp}|o={order}")
    for a, b in zip(words, words[1:]):
        f.append(f"bb={a}_{b}|lp={lp}|o={order}")
    if words:
        f.append(f"bf={words[0]}|lp={lp}|o={order}")
        f.append(f"bl={words[-1]}|lp={lp}|o={order}")
        if gap <= 4:
            f.append(f"short={'_'.join(words)}|lp={lp}|o={order}")
    else:
        f.append(f"adjacent|lp={lp}|o={order}")
    inside = (labelled_between or _Between(ms))(first.end, second.start)
    f.append(f"nb={min(len(inside), 3)}|lp={lp}")
    for m in inside[:4]:
        f.append(f"bm={m.label}|lp={lp}")
    for k in range(max(0, first.start - 3), first.start):
        f.append(f"pre={_word(texts[k])}|lp={lp}|o={order}")
    for k in range(second.end, min(n, second.end + 3)):
        f.append(f"post={_word(texts[k])}|lp={lp}|o={order}")
    return f


def hash_features(feats: list[str]) -> numpy.ndarray:
    return numpy.fromiter((zlib.crc32(x.encode()) % N_FEATURES for x in feats), dtype=numpy.int64)


@dataclass(slots=True)
class RelationWeights:
    weights: numpy.ndarray      # (classes, N_FEATURES) float32
    bias: numpy.ndarray         # (classes,)
    threshold: float

    @classmethod
    @lru_cache(maxsize=2)
    def load(cls, path: str = str(MODEL_PATH)) -> "RelationWeights | None":
        if not Path(path).exists():
            return None
        with numpy.load(path) as z:
            return cls(z["weights"].astype(numpy.float32), z["bias"].astype(numpy.float32),
                       float(z["threshold"]))

    def probabilities(self, idx: numpy.ndarray, allowed: tuple[str, ...]) -> dict[str, float]:
        scores = self.weights[:, idx].sum(axis=1) + self.bias
        keep = [0] + [CLASSES.index(t) for t in allowed]
        s = scores[keep]
        e = numpy.exp(s - s.max())
        p = e / e.sum()
        return {CLASSES[k]: float(v) for k, v in zip(keep[1:], p[1:])}


def doc_candidates(doc):
    """(mentions, candidates, feature lists) for a processed document."""
    ms = mentions(doc)
    info = meta(doc)
    texts = state(doc).texts or [t.text for t in doc]
    subject = state(doc).subject
    index = state(doc).sent_index or []
    coref_sents = {index[s] if s < len(index) else 0 for s, _e, _m in state(doc).coref}
    cands = candidate_pairs(doc, ms, subject)
    kind = info.get("kind", "newsletter")
    labelled_between = _Between(ms)
    roles = rule_roles(state(doc).relations, ms)
    return ms, cands, [pair_features(doc, ms, c, kind, texts, coref_sents, labelled_between, roles)
                       for c in cands]


class RelationModel:
    def __init__(self, path: str | None):
        self.model = RelationWeights.load(path or str(MODEL_PATH))

    def __call__(self, doc):
        if self.model is None:
            return doc
        ms, cands, feats = doc_candidates(doc)
        if not cands:
            return doc
        hits = state(doc).relations
        have = {(h.type, h.head, h.tail) for h in hits}
        # names a rule already attached within their own sentence ("… by Dee Fox and
        # Eve Gray" after the second paper): an item-level pair does not re-attach them
        # to the item's subject in the same role
        attached = {(h.type, role, normalize_name(ms[i].name))
                    for h in hits for role, i in (("head", h.head), ("tail", h.tail))}
        bounds = state(doc).sents or []
        text = text_of(doc)
        for c, fs in zip(cands, feats):
            probs = self.model.probabilities(hash_features(fs), _ALLOWED[(ms[c.head].label, ms[c.tail].label)])
            rtype, p = max(probs.items(), key=lambda kv: kv[1])
            if p < self.model.threshold or (rtype, c.head, c.tail) in have:
                continue
            if c.item and (rtype, "tail" if c.body == c.tail else "head",
                           normalize_name(ms[c.body].name)) in attached:
                continue
            s, e = bounds[c.sentence] if c.sentence < len(bounds) else (0, len(doc))
            sentence = span_text(doc, s, e) if e > s else text
            hits.append(RelationHit(rtype, c.head, c.tail, sentence, round(p, 3), cue="model"))
            have.add((rtype, c.head, c.tail))
        return doc


@Language.factory("mlkg_relation_model_v1", default_config={"model_path": None})
def make_relation_model(nlp: Language, name: str, model_path: str | None):
    return RelationModel(model_path)


__all__ = ["CLASSES", "Candidate", "RelationModel", "RelationWeights", "candidate_pairs", "doc_candidates",
           "hash_features", "pair_features"]
