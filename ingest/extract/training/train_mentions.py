"""Train the mention scorer (components/mention_scorer.py) from the annotations.

Cross-fitting: the training split is cut into ``FOLDS`` fixed parts; for each part a
recogniser is trained without it (``python -m ingest.extract.training folds``, written
under build/folds), and
the part's documents run through the pipeline with that recogniser. So every
training mention comes from a recogniser that never saw its document — as at run
time on next week's text. (The shipped recogniser, trained on everything, would be
right about its own training text far more often than about new text, and the
scorer would learn to trust it blindly.)

A mention is positive when its (label, name) is an annotated entity of the
document (the scorer's name key: case and punctuation folded), negative otherwise;
mentions of names annotated as optional teach nothing. A binary logistic regression
over the hashed features; the threshold is the lowest whose name-level entity F1 on
the training split's dev slice (both readings of its documents, as they are and
renamed) is within ``TOLERANCE`` of the best; the final weights are refitted on the
whole split. Cues measured here as precise (``precise_cues``) are stored with the
weights; the scorer never overrules them.
"""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy

from ingest.extract.components.base import state
from ingest.extract.components.mention_scorer import (context_cues, cue_keys, cue_reader, mention_features,
                                                      protected)
from ingest.extract.components.relation_model import N_FEATURES, hash_features
from ingest.extract.scoring import norm
from ingest.extract.training.augment import invent_name, replace_names
from ingest.extract.training.examples import PreparedDoc, document_of, load_prepared
from ingest.extract.training.registry import in_dev_slice, in_fold, in_fraction
from ingest.extract.training.train_relations import feature_matrix

SEED = 17
FOLDS = 2
SUBSTITUTE = 0.5     # chance that an entity is renamed in a document's second reading
# threshold: the lowest whose cross-fitted name F1 is this close to the best. 0.03 until stop
# 20; with 0.02 the stop-20 scorer's threshold is 0.3 instead of 0.2, and the pipeline's
# entity F1 on the training split's dev slice was 0.826 at 0.3, 0.820 at 0.25, 0.808 at 0.2
# (name-substitution probe 589 / 592 / 595 of 723) — precision is what the graph's node
# precision (issue 12) needs most
TOLERANCE = 0.02
PRECISE_MIN_COUNT, PRECISE_MIN_PRECISION = 20, 0.6   # a cue the scorer never overrules
FOLDS_DIR = Path(__file__).resolve().parents[3] / "build" / "folds"


def gold_keys(doc: PreparedDoc) -> tuple[set[tuple[str, str]], set[str], int]:
    """(annotated (label, name key) pairs, optional name keys, number of annotated entities)."""
    keys, optional, n = set(), set(), 0
    for label, name, surfaces, opt in doc.entities:
        names = {norm(x) for x in (name, *surfaces)} - {""}
        if opt:
            optional |= names
            continue
        n += 1
        keys |= {(label, k) for k in names}
    return keys, optional, n


def fold_extractors(folds_dir: Path, folds: int = FOLDS):
    """One pipeline per fold: its recogniser never saw that fold; no mention scorer (what
    is being trained) and no relation model."""
    from ingest.extract.pipeline import Extractor, build_pipeline
    out = []
    for k in range(folds):
        nlp = build_pipeline(models_dir=str(folds_dir / f"f{k}"), learned=True)
        for name in ("mlkg_relation_model_v1", "mlkg_mention_scorer_v1"):
            if name in nlp.pipe_names:
                nlp.remove_pipe(name)
        out.append(Extractor(nlp))
    return out


def fold_of(extractors, doc_id: str):
    """The pipeline whose recogniser did not see this document."""
    return extractors[in_fold(doc_id, len(extractors))]


def renamed(d: PreparedDoc, rng: random.Random, p: float) -> tuple[dict, PreparedDoc]:
    """The document's corpus item with each non-Paper entity, with probability ``p``,
    renamed by an invented name everywhere in its title and text (markup and links
    included), and the annotations renamed to match."""
    new = {name: invent_name(label, rng) for label, name, _s, opt in d.entities
           if label != "Paper" and not opt and rng.random() < p}
    subs = [(surface, new[name]) for _l, name, surfaces, _o in d.entities if name in new
            for surface in {name, *surfaces} if surface]
    item = dict(d.source)
    for field_ in ("title", "text"):
        if item.get(field_):
            item[field_] = replace_names(item[field_], subs)
    entities = [(label, new[name], frozenset({new[name]}), opt) if name in new else (label, name, surfaces, opt)
                for label, name, surfaces, opt in d.entities]
    return item, replace(d, entities=entities)


def labelled_mentions(extractors, docs: list[PreparedDoc], catalog, substitute: float = SUBSTITUTE):
    """Per mention: hashed features, label (1/0/-1 = optional), doc id, name key. Each
    document is read as it is and, with ``substitute`` > 0, once more with names
    renamed (``renamed``): as in the recogniser's training, so that a known name is
    not what makes a mention look right."""
    X, y, owners, names, always, cues = [], [], [], [], [], []
    gold_counts: dict[str, int] = {}
    rng = random.Random(SEED)
    for d0 in docs:
        versions = [(d0.source, d0)]
        if substitute > 0:
            versions.append(renamed(d0, rng, substitute))
        for item, d in versions:
            _label_doc(fold_of(extractors, d.id), item, d, catalog, (X, y, owners, names, always, cues), gold_counts,
                       owner=d.id if item is d0.source else d.id + "#renamed")
    return X, numpy.array(y), owners, names, gold_counts, numpy.array(always, dtype=bool), cues


def _label_doc(extractor, item: dict, d: PreparedDoc, catalog, out, gold_counts, owner: str) -> None:
    X, y, owners, names, always, cues = out
    sdoc = extractor.analyse(document_of(item))
    keys, optional, n = gold_keys(d)
    gold_counts[owner] = n
    if sdoc is not None:
        ms = state(sdoc).mentions
        ctx = context_cues(sdoc, ms, cue_reader(extractor.nlp))
        ckeys = cue_keys(ms, ctx)
        kept = protected(sdoc, ms)     # the structural protections; the precise cues are measured below
        for i, (m, f) in enumerate(zip(ms, mention_features(sdoc, ms, catalog, ctx))):
            k = norm(m.name)
            surfaces = {k, *(norm(a) for a in m.aliases)}
            if any((m.label, s) in keys for s in surfaces):
                label = 1
            elif surfaces & optional:
                label = -1
            else:
                label = 0
            X.append(hash_features(f))
            y.append(label)
            owners.append(owner)
            names.append((m.label, k))
            always.append(i in kept)
            cues.append(ckeys[i])


def _fit(X, y, C: float):
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits
    clf = LogisticRegression(C=C, max_iter=600, random_state=SEED)
    with threadpool_limits(limits=1):     # reproducible weights (see train_relations)
        clf.fit(feature_matrix(X), y)
    return clf.coef_[0].astype(numpy.float32), float(clf.intercept_[0])


def name_level_f1(probs, y, owners, names, gold_counts, threshold: float) -> float:
    """Entity F1 at the scorer's granularity: a document's (label, name) is kept when its
    best mention reaches the threshold; annotated entities never proposed are misses."""
    best: dict[tuple[str, tuple], tuple[float, int]] = {}
    for p, lab, o, nm in zip(probs, y, owners, names):
        k = (o, nm)
        old = best.get(k, (0.0, lab))
        best[k] = (max(old[0], p), max(old[1], lab))
    tp = sum(1 for p, lab in best.values() if p >= threshold and lab == 1)
    fp = sum(1 for p, lab in best.values() if p >= threshold and lab == 0)
    gold = sum(gold_counts[o] for o in set(owners) | set(gold_counts))
    fn = max(gold - tp, 0)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def precise_cues(cues: list[str], y, min_count: int = PRECISE_MIN_COUNT,
                 min_precision: float = PRECISE_MIN_PRECISION) -> frozenset:
    """The "cue id|label" keys whose names are annotated entities at least
    ``min_precision`` of the time, over at least ``min_count`` mentions."""
    seen: dict[str, list[int]] = {}
    for c, lab in zip(cues, y):
        if c and lab >= 0:
            seen.setdefault(c, [0, 0])
            seen[c][0] += 1
            seen[c][1] += int(lab == 1)
    return frozenset(c for c, (n, pos) in seen.items() if n >= min_count and pos / n >= min_precision)


def _in_dev(owner: str) -> bool:
    """The dev slice, by the document's id (its renamed reading goes with it)."""
    return in_dev_slice(owner.split("#")[0], 0.1)


def train_mentions(annotations: Path, corpus: Path, out: Path, folds_dir: Path = FOLDS_DIR,
                   limit: int = 0, fraction: float = 1.0, C: float = 0.3) -> dict:
    from ingest.extract.catalog import get_catalog
    docs = [d for d in load_prepared(annotations, corpus, splits=("train",)) if in_fraction(d.id, fraction)]
    if limit:
        docs = docs[:limit]
    extractors = fold_extractors(folds_dir)
    X, y, owners, names, gold_counts, always, cues = labelled_mentions(extractors, docs, get_catalog(None))
    use = y >= 0
    precise = precise_cues(cues, y)
    always = always | numpy.array([c in precise for c in cues], dtype=bool)
    dev = numpy.array([_in_dev(o) for o in owners], dtype=bool)
    threshold, dev_f1, base_f1, curve = 0.5, None, None, []
    tr = use & ~dev
    if dev.any() and tr.any() and len(set(y[tr])) == 2:
        w, b = _fit([x for x, t in zip(X, tr) if t], y[tr], C)
        sel = numpy.flatnonzero(dev & use)
        # protected mentions are kept whatever they score (as at run time)
        probs = [1.0 if always[i] else 1 / (1 + numpy.exp(-(w[X[i]].sum() + b))) for i in sel]
        args = ([y[i] for i in sel], [owners[i] for i in sel], [names[i] for i in sel],
                {o: n for o, n in gold_counts.items() if _in_dev(o)})
        base_f1 = name_level_f1([1.0] * len(sel), *args, threshold=0.5)
        curve = [(round(float(t), 2), name_level_f1(probs, *args, threshold=t))
                 for t in numpy.arange(0.05, 0.8, 0.05)]
        # the lowest threshold within TOLERANCE of the best: the curve is flat near its top, and
        # there recall is worth more (a relation needs both its names; unseen names score lower)
        best = max(f for _t, f in curve)
        threshold, dev_f1 = next((t, f) for t, f in curve if f >= best - TOLERANCE)
    if len(set(y[use])) < 2:    # a tiny corpus (smoke runs): nothing to learn, keep every name
        print(f"mention scorer: only one class in {int(use.sum())} mentions; the scorer keeps everything")
        w, b, threshold = numpy.zeros(N_FEATURES, dtype=numpy.float32), 10.0, 0.5
    else:
        w, b = _fit([x for x, u in zip(X, use) if u], y[use], C)
    out.parent.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(out, weights=w.astype(numpy.float16), bias=numpy.float32(b),
                           threshold=numpy.float32(threshold), precise_cues=numpy.array(sorted(precise), dtype=str))
    stats = {"documents": len(docs), "mentions": int(use.sum()), "positives": int((y == 1).sum()),
             "threshold": threshold, "dev_name_f1_unfiltered": base_f1, "dev_name_f1": dev_f1,
             "precise_cues": sorted(precise), "dev_curve": curve}
    print("mention scorer:", stats)
    return stats
