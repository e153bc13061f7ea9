"""Train mlkg's learned components from the committed annotations and the shared text.

  python -m ingest.extract.training pretrain                 # spacy pretrain of the tok2vec on raw text
  python -m ingest.extract.training ner        [--steps N]   # spaCy NER (spacy train, ner.cfg)
  python -m ingest.extract.training folds                    # recognisers each without one part (cross-fitting)
  python -m ingest.extract.training mentions                 # mention scorer (mentions.npz), needs folds
  python -m ingest.extract.training relations                # relation model (relations.npz)
  python -m ingest.extract.training all                      # all of them: what `make train` runs

Fixed seeds; the held-out split is never read (examples.load_prepared reads the
train split only). The shipped weights go to ingest/extract/models/.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import spacy

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
MODELS = HERE.parent / "models"


PRETRAINED = REPO / "build" / "pretrain" / "tok2vec.bin"


def pretrain_text(corpus: Path, out: Path) -> int:
    """Unlabeled text for pretraining: every item of the training corpus except the
    held-out sources (whole files, as in the annotation split)."""
    import json
    from ingest.extract.training.standoff import view_of
    from ingest.extract.training.corpus import HELDOUT_SOURCES, read_corpus
    n = 0
    with open(out, "w", encoding="utf-8") as handle:
        for folder, items in read_corpus(corpus).items():
            for item in items:
                if not item["_file"].startswith(HELDOUT_SOURCES[folder]):
                    handle.write(json.dumps({"text": view_of(item)}) + "\n")
                    n += 1
    return n


def pretrain(corpus: Path, out: Path = PRETRAINED, epochs: int | None = None,
             settings: dict | None = None) -> Path:
    from spacy.training.pretrain import pretrain as spacy_pretrain
    from spacy.util import load_config
    import ingest.extract.training.registry  # noqa: F401
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.jsonl"
        pretrain_text(corpus, raw)
        overrides = {**(settings or {}), "paths.raw_text": str(raw)}
        if epochs:
            overrides["pretraining.max_epochs"] = epochs
        config = load_config(HERE / "ner.cfg", overrides=overrides, interpolate=True)
        (Path(tmp) / "out").mkdir()
        spacy_pretrain(config, Path(tmp) / "out", silent=False)
        shutil.copy(Path(tmp) / "out" / "model-last.bin", out)
    return out


def train_ner(annotations: Path, corpus: Path, out: Path, steps: int | None, limit: int = 0,
              fraction: float = 1.0, init_tok2vec: Path | None = None, settings: dict | None = None) -> Path:
    from spacy.cli.train import train as spacy_train
    import ingest.extract.training.registry  # noqa: F401  (registers reader + tokenizer)
    overrides = {**(settings or {}), "paths.annotations": str(annotations), "paths.corpus": str(corpus)}
    if init_tok2vec is not None and init_tok2vec.exists():
        overrides["paths.init_tok2vec"] = str(init_tok2vec)
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
        nlp = spacy.load(Path(tmp) / "model-best")
        # one self-contained component: the NER gets its own copy of the tok2vec
        nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
        nlp.remove_pipe("tok2vec")
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(out)
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m ingest.extract.training", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=("pretrain", "ner", "folds", "mentions", "relations", "all"))
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--out", type=Path, default=MODELS)
    p.add_argument("--steps", type=int, default=None, help="NER training steps (default: the config's)")
    p.add_argument("--pretrain-epochs", type=int, default=None, help="(default: the config's)")
    p.add_argument("--no-pretrain", action="store_true", help="train the NER from random weights")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting of ner.cfg for pretraining and training, e.g. "
                        "components.tok2vec.model.encode.width=128 (experiments)")
    p.add_argument("--pretrained", type=Path, default=PRETRAINED,
                   help="where `pretrain` writes, and `ner` reads, the pretrained tok2vec weights")
    p.add_argument("--folds-dir", type=Path, default=None,
                   help="where `folds` writes, and `mentions` reads, the cross-fitted recognisers "
                        "(default: build/folds)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N documents (smoke runs)")
    p.add_argument("--fraction", type=float, default=1.0,
                   help="train on this share of the training documents (learning curve)")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:                            # numbers as numbers, anything else as a string
            settings[key] = json.loads(value)
        except ValueError:
            settings[key] = value
    init = None if args.no_pretrain else args.pretrained
    if args.what in ("pretrain", "all") and not args.no_pretrain:
        pretrain(args.corpus, args.pretrained, args.pretrain_epochs, settings)
    if args.what in ("ner", "all"):
        train_ner(args.annotations, args.corpus, args.out / "ner", args.steps, args.limit, args.fraction, init,
                  settings)
    from ingest.extract.training.train_mentions import FOLDS, FOLDS_DIR, train_mentions
    folds_dir = args.folds_dir or FOLDS_DIR
    if args.what in ("folds", "all"):
        for k in range(FOLDS):
            train_ner(args.annotations, args.corpus, folds_dir / f"f{k}" / "ner", args.steps, args.limit,
                      args.fraction, init, {**settings, "corpora.train.folds": FOLDS, "corpora.train.fold": k})
    if args.what in ("mentions", "all"):
        train_mentions(args.annotations, args.corpus, args.out / "mentions.npz", folds_dir, limit=args.limit,
                       fraction=args.fraction)
    if args.what in ("relations", "all"):
        from ingest.extract.training.train_relations import train_relations
        train_relations(args.annotations, args.corpus, args.out / "relations.npz", limit=args.limit,
                        fraction=args.fraction)


if __name__ == "__main__":
    sys.exit(main())
