"""Precision of each relation cue on the training split: how often the facts a cue
states are annotated relations (with ``--names``: of each name source, how often the
names it gives are annotated entities).

Every training document (the split the rules may be judged on; the held-out split is
never read) runs through the shipped pipeline; each relation hit keeps the id of the
cue that stated it (``relation_cues.json`` ids, the document rules' ids, ``model``
for the relation model). A hit is right when the document's annotations hold a
relation of its type between names that match its head and tail (the scorer's name
matching: case and punctuation folded, aliases included). The relation model was
fitted on these documents, so its row flatters it; the rules' rows do not.

With ``--names``, each name the pipeline keeps is counted once per document under its
label and the source of the mention selection kept (``catalog``, ``link``, ``title``,
``people``, ``model`` — the trained recogniser, which also flatters itself here —,
…); it is right when the annotations (optional entities included) hold an entity of
that label with that name or alias. ``--show SOURCE`` prints that source's names that
are not annotated, to read a rule's mistakes.

  python bench/relation_cues.py [--corpus ../shared/corpus/training] [--type IMPLEMENTS] [--min 1]
  python bench/relation_cues.py --names [--show people]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import split_gold  # noqa: E402
from ingest.extract import scoring  # noqa: E402
from ingest.extract.components.base import state  # noqa: E402
from ingest.extract.pipeline import Extractor  # noqa: E402
from ingest.sources import read_docs_jsonl  # noqa: E402


def analysed(gold_path: Path, extractor: Extractor):
    """(document id, the pipeline's state of it, its annotations) for each document."""
    gold = {k: scoring.GoldDoc(v) for k, v in scoring.read_jsonl(str(gold_path)).items()}
    for doc in read_docs_jsonl(gold_path, default_kind="newsletter"):
        sdoc = extractor.analyse(doc)
        if sdoc is not None:
            yield doc.id, state(sdoc), gold[doc.id]


def cue_counts(gold_path: Path, extractor: Extractor, only_type: str | None) -> tuple[Counter, Counter]:
    hits, right = Counter(), Counter()
    for _doc_id, st, g in analysed(gold_path, extractor):
        ms = st.mentions
        seen = set()
        for h in st.relations:
            if only_type and h.type != only_type:
                continue
            head, tail = scoring.norm(ms[h.head].name), scoring.norm(ms[h.tail].name)
            key = (h.type, head, tail)
            if key in seen:
                continue
            seen.add(key)
            cue = h.cue or "(none)"
            hits[(h.type, cue)] += 1
            if any(t == h.type and head in hs and tail in ts for t, hs, ts, _r in g.relations + g.optional_relations):
                right[(h.type, cue)] += 1
    return hits, right


def source_counts(gold_path: Path, extractor: Extractor, show: str | None) -> tuple[Counter, Counter]:
    stated, right = Counter(), Counter()
    for doc_id, st, g in analysed(gold_path, extractor):
        annotated = {(label, key) for label, keys in g.entities + g.optional for key in keys}
        seen = set()
        for m in st.mentions:
            key = scoring.norm(m.name)
            if not m.label or not key or (m.label, key) in seen:
                continue
            seen.add((m.label, key))
            stated[(m.label, m.source)] += 1
            if (m.label, key) in annotated:
                right[(m.label, m.source)] += 1
            elif show and m.source == show:
                print(f"{doc_id}\t{m.label}\t{m.name}")
    return stated, right


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--type", default=None, help="one relation type only")
    p.add_argument("--min", type=int, default=1, help="cues with at least this many hits")
    p.add_argument("--names", action="store_true", help="the name sources instead of the relation cues")
    p.add_argument("--show", default=None, metavar="SOURCE", help="with --names: print this source's names "
                                                                  "that are not annotated")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gold = split_gold(args.corpus, args.annotations, "train", Path(tmp) / "train.gold.jsonl")
        n = sum(1 for _ in open(gold, encoding="utf-8"))
        if args.names:
            stated, right = source_counts(gold, Extractor(), args.show)
        else:
            hits, right = cue_counts(gold, Extractor(), args.type)
    if args.names:
        print(f"## Name sources on the training split ({n} documents)\n")
        print("| label | source | names stated | annotated | precision |\n|---|---|---|---|---|")
        for (label, source), k in sorted(stated.items(), key=lambda kv: (kv[0][0], -kv[1])):
            if k >= args.min:
                print(f"| {label} | `{source}` | {k} | {right[(label, source)]} | {right[(label, source)] / k:.2f} |")
        return
    print(f"## Relation cues on the training split ({n} documents)\n")
    print("| type | cue | facts stated | annotated | precision |\n|---|---|---|---|---|")
    for (rtype, cue), k in sorted(hits.items(), key=lambda kv: (kv[0][0], -kv[1])):
        if k >= args.min:
            print(f"| {rtype} | `{cue}` | {k} | {right[(rtype, cue)]} | {right[(rtype, cue)] / k:.2f} |")


if __name__ == "__main__":
    main()
