"""The trained recogniser alone: tokens per second of the shipped ``mlkg_ner`` against
another trained recogniser (a baseline in the same run, e.g. an earlier commit's).

    git archive bcf4037 ingest/extract/models/ner | tar -x -C /tmp/base   # stop 20's recogniser
    python bench/recogniser_speed.py /tmp/base/ingest/extract/models/ner [--docs 800] [--repeat 3]

Reads the first ``--docs`` training documents from ``../shared/corpus/training`` (the
views the recogniser is trained on), tokenizes them with each model's own tokenizer
and times ``ner.pipe`` (batches of 128) alternately; prints medians and the ratio.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.extract.pipeline import MODELS_DIR, load_ner, prepare  # noqa: E402
from ingest.extract.training.examples import document_of, load_prepared  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("baseline", type=Path, help="a trained recogniser's folder (spaCy pipeline)")
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--docs", type=int, default=800)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    docs = load_prepared(args.annotations, args.corpus, splits=("train",))[:args.docs]
    texts = [prepare(document_of(d.source))[0] for d in docs]
    models = {"shipped": load_ner(str(MODELS_DIR / "ner")), "baseline": load_ner(str(args.baseline))}
    times: dict[str, list[float]] = {k: [] for k in models}
    tokens = 0
    for _ in range(args.repeat):
        for name, nlp in models.items():
            made = [nlp.make_doc(t) for t in texts]
            tokens = sum(len(d) for d in made)
            start = time.perf_counter()
            for _doc in nlp.get_pipe("ner").pipe(made, batch_size=128):
                pass
            times[name].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    for name, t in med.items():
        print(f"{name:<9} median {t:6.2f} s for {tokens:,} tokens = {tokens / t:>9,.0f} tokens/s")
    print(f"ratio shipped / baseline: {med['baseline'] / med['shipped']:.2f}x")


if __name__ == "__main__":
    main()
