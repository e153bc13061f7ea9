"""Relation model, 5-fold cross-validation over the training split (by document).

Each training document runs through the shipped pipeline without the relation model
(the mentions the model is given at run time); the model is fitted on four fifths of
the documents' candidate pairs and predicts the fifth. Folds are drawn by source owner
(the GitHub owner of the corpus file: "open-mmlab", "lucidrains", …), as the held-out
split is, so a fold's sources were never seen in fitting; ``--by-document`` draws them
by document instead. Prints document-level relation
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.extract.components.relation_model import CLASSES  # noqa: E402
from ingest.extract.pipeline import Extractor, build_pipeline  # noqa: E402
from ingest.extract.training import train_relations as tr  # noqa: E402
from ingest.extract.training.examples import load_prepared  # noqa: E402
from ingest.extract.training.registry import source_owner  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--by-document", action="store_true", help="folds by document, not by source owner")
    p.add_argument("--per-type", type=float, default=0.45, metavar="THRESHOLD",
                   help="also print P/R per relation type at this threshold")
    p.add_argument("--dump", type=Path, help="write the false positives and misses at --per-type here (TSV)")
    args = p.parse_args()
    docs = load_prepared(args.annotations, args.corpus, splits=("train",))
    extractor = Extractor(build_pipeline(learned=True))
    extractor.nlp.remove_pipe("mlkg_relation_model_v1")
    pairs = tr.labelled_pairs(extractor, docs)
    group = {d.id: d.id if args.by_document else source_owner(d.source) for d in docs}
    pred = tr.cross_validated(pairs, group)
    per_type = {}
    gold = {(o, *f) for o, facts in pairs.gold_facts.items() for f in facts}
    rules = {(o, *f) for o, facts in pairs.rule_facts.items() for f in facts}
    print(f"{len(docs)} documents, {len(pairs.y)} candidate pairs, {len(gold)} annotated relations")
    print(f"rules only: F1 {2 * len(rules & gold) / (len(rules) + len(gold)):.3f}")
    for th in (0.2, 0.25, 0.3, 0.4, 0.45, 0.5):
        found = set(rules)
        for i, (c, prob) in enumerate(pred):
            if prob is not None and prob >= th:
                o, h, t = pairs.keys[i]
                found.add((o, CLASSES[c], h, t))
        tp = len(found & gold)
        print(f"threshold {th:.2f}: P {tp / len(found):.3f} R {tp / len(gold):.3f} "
              f"F1 {2 * tp / (len(found) + len(gold)):.3f}")
        if th == args.per_type:
            per_type[th] = found
    for th, found in per_type.items():
        print(f"per type at threshold {th:.2f} (found / annotated / both, P, R):")
        for rel in sorted({f[1] for f in gold | found}):
            f_, g_ = {x for x in found if x[1] == rel}, {x for x in gold if x[1] == rel}
            both = len(f_ & g_)
            print(f"  {rel:<13} {len(f_):>5} {len(g_):>5} {both:>5}  "
                  f"P {both / max(1, len(f_)):.3f} R {both / max(1, len(g_)):.3f}")
        if args.dump:
            with args.dump.open("w") as out:
                for x in sorted(found - gold):
                    print("FP", *x, sep="\t", file=out)
                for x in sorted(gold - found):
                    print("FN", *x, sep="\t", file=out)


if __name__ == "__main__":
    main()
