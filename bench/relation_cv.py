"""Relation model, 5-fold cross-validation over the training split (by document).

Each training document runs through the shipped pipeline without the relation model
(the mentions the model is given at run time); the model is fitted on four fifths of
the documents' candidate pairs and predicts the fifth. Prints document-level relation
P/R/F1 (each (type, head, tail) once per document, the rules' facts included, as the
scorer counts) over all ~3,700 annotated relations — a steadier figure than the
307-document dev slice for comparing candidate and feature choices. Names the shipped
recogniser was trained on are found more often here than in unseen text, so this
measures the relation model, not the pipeline; the held-out split is never read.

  python bench/relation_cv.py [--corpus ../shared/corpus/training]   (~2 min on 2 cores)
"""
from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import numpy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.extract.components.relation_model import CLASSES  # noqa: E402
from ingest.extract.pipeline import Extractor, build_pipeline  # noqa: E402
from ingest.extract.training import train_relations as tr  # noqa: E402
from ingest.extract.training.examples import load_prepared  # noqa: E402

FOLDS = 5


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    args = p.parse_args()
    docs = load_prepared(args.annotations, args.corpus, splits=("train",))
    extractor = Extractor(build_pipeline(learned=True))
    extractor.nlp.remove_pipe("mlkg_relation_model_v1")
    pairs = tr.labelled_pairs(extractor, docs)
    fold = numpy.array([zlib.crc32(o.encode()) % FOLDS for o in pairs.owners])
    pred: list = [None] * len(pairs.y)
    for k in range(FOLDS):
        train, test = numpy.flatnonzero(fold != k), numpy.flatnonzero(fold == k)
        w, b = tr._fit([pairs.X[i] for i in train], pairs.y[train])
        for i, r in zip(test, tr._predict(w, b, [pairs.X[i] for i in test], [pairs.allowed[i] for i in test])):
            pred[i] = r
    gold = {(o, *f) for o, facts in pairs.gold_facts.items() for f in facts}
    rules = {(o, *f) for o, facts in pairs.rule_facts.items() for f in facts}
    print(f"{len(docs)} documents, {len(pairs.y)} candidate pairs, {len(gold)} annotated relations")
    print(f"rules only: F1 {2 * len(rules & gold) / (len(rules) + len(gold)):.3f}")
    for th in (0.3, 0.4, 0.45, 0.5, 0.6):
        found = set(rules)
        for i, (c, prob) in enumerate(pred):
            if prob >= th:
                o, h, t = pairs.keys[i]
                found.add((o, CLASSES[c], h, t))
        tp = len(found & gold)
        print(f"threshold {th:.2f}: P {tp / len(found):.3f} R {tp / len(gold):.3f} "
              f"F1 {2 * tp / (len(found) + len(gold)):.3f}")


if __name__ == "__main__":
    main()
