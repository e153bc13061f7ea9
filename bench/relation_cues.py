"""Precision of each relation cue on the training split: how often the facts a cue
states are annotated relations.

Every training document (the split the rules may be judged on; the held-out split is
never read) runs through the shipped pipeline; each relation hit keeps the id of the
cue that stated it (``relation_cues.json`` ids, the document rules' ids, ``model``
for the relation model). A hit is right when the document's annotations hold a
relation of its type between names that match its head and tail (the scorer's name
matching: case and punctuation folded, aliases included). The relation model was
fitted on these documents, so its row flatters it; the rules' rows do not.

  python bench/relation_cues.py [--corpus ../shared/corpus/training] [--type IMPLEMENTS] [--min 1]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.extract import scoring  # noqa: E402
from ingest.extract.components.base import state  # noqa: E402
from ingest.extract.pipeline import Extractor  # noqa: E402
from ingest.sources import read_docs_jsonl  # noqa: E402


def cue_counts(gold_path: Path, extractor: Extractor, only_type: str | None) -> tuple[Counter, Counter]:
    gold = {k: scoring.GoldDoc(v) for k, v in scoring.read_jsonl(str(gold_path)).items()}
    hits, right = Counter(), Counter()
    for doc in read_docs_jsonl(gold_path, default_kind="newsletter"):
        sdoc = extractor.analyse(doc)
        if sdoc is None:
            continue
        ms = state(sdoc).mentions
        g = gold[doc.id]
        seen = set()
        for h in state(sdoc).relations:
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--type", default=None, help="one relation type only")
    p.add_argument("--min", type=int, default=1, help="cues with at least this many hits")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "train.gold.jsonl"
        subprocess.run([sys.executable, str(REPO / "tools" / "annotation.py"), "gold", "--corpus", str(args.corpus),
                        "--annotations", str(args.annotations), "--split", "train", "--out", str(gold)],
                       check=True, stdout=subprocess.DEVNULL)
        n = sum(1 for _ in open(gold, encoding="utf-8"))
        hits, right = cue_counts(gold, Extractor(), args.type)
    print(f"## Relation cues on the training split ({n} documents)\n")
    print("| type | cue | facts stated | annotated | precision |\n|---|---|---|---|---|")
    for (rtype, cue), k in sorted(hits.items(), key=lambda kv: (kv[0][0], -kv[1])):
        if k >= args.min:
            print(f"| {rtype} | `{cue}` | {k} | {right[(rtype, cue)]} | {right[(rtype, cue)] / k:.2f} |")


if __name__ == "__main__":
    main()
