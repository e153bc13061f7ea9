"""Train mlkg's learned components from the committed annotations and the shared text.

  python -m ingest.extract.training ner        [--steps N]   # spaCy NER (spacy train, ner.cfg)
  python -m ingest.extract.training relations                # relation model (relations.npz)
  python -m ingest.extract.training all                      # both: what `make train` runs

Fixed seeds; the held-out split is never read (examples.load_prepared reads the
train split only). The shipped weights go to ingest/extract/models/.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
MODELS = HERE.parent / "models"


def train_ner(annotations: Path, corpus: Path, out: Path, steps: int | None, limit: int = 0,
              fraction: float = 1.0) -> Path:
    from spacy.cli.train import train as spacy_train
    import ingest.extract.training.registry  # noqa: F401  (registers reader + tokenizer)
    overrides = {"paths.annotations": str(annotations), "paths.corpus": str(corpus)}
    if steps is not None:
        overrides["training.max_steps"] = steps
        overrides["training.eval_frequency"] = max(1, min(200, steps))
    if fraction < 1.0:
        overrides["corpora.train.fraction"] = fraction
    if limit:
        overrides["corpora.train.limit"] = limit
        overrides["corpora.dev.limit"] = limit
    with tempfile.TemporaryDirectory() as tmp:
        spacy_train(HERE / "ner.cfg", Path(tmp), use_gpu=-1, overrides=overrides)
        best = Path(tmp) / "model-best"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m ingest.extract.training", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=("ner", "relations", "all"))
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--out", type=Path, default=MODELS)
    p.add_argument("--steps", type=int, default=None, help="NER training steps (default: the config's)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N documents (smoke runs)")
    p.add_argument("--fraction", type=float, default=1.0,
                   help="train on this share of the training documents (learning curve)")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.what in ("ner", "all"):
        train_ner(args.annotations, args.corpus, args.out / "ner", args.steps, args.limit, args.fraction)
    if args.what in ("relations", "all"):
        from ingest.extract.training.train_relations import train_relations
        train_relations(args.annotations, args.corpus, args.out / "relations.npz", limit=args.limit,
                        fraction=args.fraction)


if __name__ == "__main__":
    sys.exit(main())
