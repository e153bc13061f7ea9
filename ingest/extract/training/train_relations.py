"""Train the relation model (components/relation_model.py) from the annotations.

Each training document runs through the extraction pipeline as it will at run time
(rules plus the trained recogniser, without the relation model); every candidate
pair is labelled with the annotated relation between the entities its two mentions
name, or NONE. A multinomial logistic regression over the hashed context features
is fitted with scikit-learn (a training-time dependency only); the weights are saved
as a numpy archive that the pipeline reads with numpy alone. The decision threshold
is the one that maximises pair-level F1 on the training split's dev slice; the final
weights are then refitted on the whole training split.
"""
from __future__ import annotations

from pathlib import Path

import numpy

from ingest.extract.components.relation_model import (CLASSES, N_FEATURES, _ALLOWED, RelationWeights,
                                                      doc_candidates, hash_features)
from ingest.extract.scoring import norm   # the scorer's name key
from ingest.extract.training.examples import PreparedDoc, document_of, load_prepared
from ingest.extract.training.registry import in_dev_slice, in_fraction

SEED = 13


def _gold_names(doc: PreparedDoc) -> dict[str, str]:
    keys: dict[str, str] = {}
    for s in doc.spans:
        keys.setdefault(norm(s.name), s.name)
        keys.setdefault(norm(doc.text[s.start:s.end]), s.name)
    return keys


def _mention_entity(doc: PreparedDoc, m, keys: dict[str, str]) -> str | None:
    for surface in (m.name, *m.aliases):
        g = keys.get(norm(surface))
        if g is not None:
            return g
    return None


def labelled_pairs(extractor, docs: list[PreparedDoc]):
    """(feature index arrays, class ids, allowed types, doc ids) over all candidates."""
    X, y, allowed, owners = [], [], [], []
    for d in docs:
        sdoc = extractor.analyse(document_of(d.source))
        if sdoc is None:
            continue
        ms, cands, feats = doc_candidates(sdoc)
        keys = _gold_names(d)
        ents = [_mention_entity(d, m, keys) for m in ms]
        gold = {(h, t): r for h, r, t in d.relations}
        for c, fs in zip(cands, feats):
            h, t = ents[c.head], ents[c.tail]
            rtype = gold.get((h, t)) if h and t else None
            lab = (ms[c.head].label, ms[c.tail].label)
            if rtype not in _ALLOWED[lab]:
                rtype = None
            X.append(hash_features(fs))
            y.append(CLASSES.index(rtype) if rtype else 0)
            allowed.append(_ALLOWED[lab])
            owners.append(d.id)
    return X, numpy.array(y), allowed, owners


def _matrix(X):
    from scipy.sparse import csr_matrix
    indptr = numpy.cumsum([0] + [len(x) for x in X])
    indices = numpy.concatenate(X) if X else numpy.zeros(0, dtype=numpy.int64)
    data = numpy.ones(len(indices), dtype=numpy.float32)
    m = csr_matrix((data, indices, indptr), shape=(len(X), N_FEATURES))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _fit(X, y):
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits
    clf = LogisticRegression(C=0.5, max_iter=400, random_state=SEED)
    # one BLAS thread: multi-threaded sums change with scheduling, and lbfgs carries the
    # differences along, so two runs gave different weights
    with threadpool_limits(limits=1):
        clf.fit(_matrix(X), y)
    weights = numpy.zeros((len(CLASSES), N_FEATURES), dtype=numpy.float32)
    bias = numpy.full(len(CLASSES), -30.0, dtype=numpy.float32)   # classes never seen: never predicted
    if len(clf.classes_) == 2:     # binary: softmax over (0, z) is the fitted sigmoid
        neg, pos = clf.classes_
        weights[pos], bias[pos], bias[neg] = clf.coef_[0], clf.intercept_[0], 0.0
        return weights, bias
    for row, cls in enumerate(clf.classes_):
        weights[cls], bias[cls] = clf.coef_[row], clf.intercept_[row]
    return weights, bias


def _predict(weights, bias, X, allowed):
    """(best class, its probability) per candidate — the run-time computation."""
    model = RelationWeights(weights, bias, 0.0)
    out = []
    for idx, types in zip(X, allowed):
        rtype, p = max(model.probabilities(idx, types).items(), key=lambda kv: kv[1])
        out.append((CLASSES.index(rtype), p))
    return out


def best_threshold(pred, y) -> tuple[float, float]:
    best = (0.5, -1.0)
    for th in numpy.arange(0.2, 0.91, 0.05):
        tp = sum(1 for (c, p), g in zip(pred, y) if p >= th and c == g and g)
        fp = sum(1 for (c, p), g in zip(pred, y) if p >= th and c != g)
        fn = sum(1 for (c, p), g in zip(pred, y) if g and not (p >= th and c == g))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1]:
            best = (round(float(th), 2), f1)
    return best


def train_relations(annotations: Path, corpus: Path, out: Path, limit: int = 0,
                    models_dir: Path | None = None, fraction: float = 1.0) -> dict:
    from ingest.extract.pipeline import Extractor, build_pipeline
    docs = [d for d in load_prepared(annotations, corpus, splits=("train",)) if in_fraction(d.id, fraction)]
    if limit:
        docs = docs[:limit]
    models = models_dir or out.parent
    extractor = Extractor(build_pipeline(models_dir=str(models), learned=True))
    if "mlkg_relation_model_v1" in extractor.nlp.pipe_names:
        extractor.nlp.remove_pipe("mlkg_relation_model_v1")
    X, y, allowed, owners = labelled_pairs(extractor, docs)
    dev = numpy.array([in_dev_slice(o, 0.1) for o in owners], dtype=bool)
    Xtr = [x for x, d in zip(X, dev) if not d]
    threshold, dev_f1 = 0.5, None
    if dev.any() and (y[~dev] > 0).any():
        w, b = _fit(Xtr, y[~dev])
        pred = _predict(w, b, [x for x, d in zip(X, dev) if d], [a for a, d in zip(allowed, dev) if d])
        threshold, dev_f1 = best_threshold(pred, y[dev])
    weights, bias = _fit(X, y)
    out.parent.mkdir(parents=True, exist_ok=True)
    numpy.savez_compressed(out, weights=weights.astype(numpy.float16), bias=bias,
                           threshold=numpy.float32(threshold), classes=numpy.array(CLASSES))
    stats = {"documents": len(docs), "candidates": len(y), "positives": int((y > 0).sum()),
             "threshold": threshold, "dev_pair_f1": dev_f1}
    print("relation model:", stats)
    return stats
