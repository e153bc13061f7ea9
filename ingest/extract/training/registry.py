"""Registered functions that ``spacy train`` needs for mlkg's configs
(``--code ingest/extract/training/registry.py``): the project's tokenizer and a reader
that turns standoff annotations plus the shared text into training examples."""
from __future__ import annotations

import random
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import spacy
from spacy.language import Language
from spacy.training import Example, offsets_to_biluo_tags

from ingest.extract.tokenizer import make_tokenizer
from ingest.extract.training.augment import substitute_names
from ingest.extract.training.examples import PreparedDoc, load_prepared


@spacy.registry.tokenizers("mlkg.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], object]:
    return make_tokenizer


@spacy.registry.callbacks("mlkg.english_word_flag.v1")
def create_english_word_flag() -> Callable[[Language], Language]:
    from ingest.extract.lexicon import install_word_flag
    return install_word_flag


@lru_cache(maxsize=4)
def _cached(annotations_dir: str, corpus_dir: str) -> tuple[PreparedDoc, ...]:
    return tuple(load_prepared(Path(annotations_dir), Path(corpus_dir), splits=("train",)))


def in_dev_slice(doc_id: str, dev_share: float) -> bool:
    """A fixed slice of the *training* split for checkpoint selection (the held-out
    split is never read by training)."""
    return zlib.crc32(doc_id.encode()) % 1000 < dev_share * 1000


def source_owner(item: dict) -> str:
    """Who published a corpus item: the GitHub owner its corpus file is named after
    ("open-mmlab__mmpose.jsonl" → "open-mmlab"). Whole owners are the unit that
    cross-validation leaves out, as the held-out split leaves out whole sources."""
    return str(item.get("_file") or "").split("__")[0]


def in_fraction(doc_id: str, fraction: float) -> bool:
    """A fixed share of the training documents (for the learning curve)."""
    return fraction >= 1.0 or zlib.crc32(("share:" + doc_id).encode()) % 1000 < fraction * 1000


def in_fold(doc_id: str, folds: int) -> int:
    """Which of ``folds`` fixed parts of the training split a document is in (for
    cross-fitting: a recogniser trained without part k analyses part k as unseen text)."""
    return zlib.crc32(("fold:" + doc_id).encode()) % folds


def to_example(nlp: Language, doc: PreparedDoc) -> Example:
    pred = nlp.make_doc(doc.text)
    tags = offsets_to_biluo_tags(pred, [(s.start, s.end, s.label) for s in doc.spans])
    for s in doc.optional:     # borderline names: no loss either way (unless also annotated)
        span = pred.char_span(s.start, s.end, alignment_mode="expand")
        if span is not None and all(tags[k] == "O" for k in range(span.start, span.end)):
            for k in range(span.start, span.end):
                tags[k] = "-"
    return Example.from_dict(pred, {"entities": tags})


@spacy.registry.readers("mlkg.annotated_corpus.v1")
def create_reader(annotations_dir: str, corpus_dir: str, part: str = "train", dev_share: float = 0.1,
                  substitute: float = 0.0, seed: int = 0, limit: int = 0, fraction: float = 1.0,
                  folds: int = 0, fold: int = -1) -> Callable[[Language], Iterator[Example]]:
    """``part`` = train (minus the dev slice) | dev (the dev slice). ``substitute`` is
    the chance that an entity's name is replaced, everywhere in its document, by an
    invented name of the same type — so the model learns context and shape, not a
    list of names. Each epoch draws new names. ``folds``/``fold``: leave out training
    part ``fold`` of ``folds`` (the cross-fitted recognisers of the mention scorer)."""
    epoch = [0]

    def read(nlp: Language) -> Iterator[Example]:
        docs = [d for d in _cached(annotations_dir, corpus_dir)
                if in_dev_slice(d.id, dev_share) == (part == "dev")
                and (part == "dev" or in_fraction(d.id, fraction))
                and not (folds and part == "train" and in_fold(d.id, folds) == fold)]
        if limit:
            docs = docs[:limit]
        rng = random.Random(seed * 1000 + epoch[0])
        epoch[0] += 1
        for d in docs:
            if substitute and part == "train":
                d = substitute_names(d, rng, substitute)
            yield to_example(nlp, d)

    return read
