"""Hand-judged node precision: draw entity nodes of a graph for a careful reader, and
score the reader's verdicts.

    kg ingest examples/corpus --store /tmp/demo        # the demo graph (make demo)
    python3 bench/node_sample.py draw --store /tmp/demo --out bench/node_precision.tsv
    # a reader fills the `verdict` column against docs/SCHEMA.md:
    #   correct | junk | boundary | duplicate | wrong_label   (and a short note)
    python3 bench/node_sample.py score bench/node_precision.tsv

The sample is drawn with a fixed seed from every entity node, so the same graph gives
the same sample. Each row carries one sentence the node was extracted from, so the
reader judges the node as the graph shows it, not the code that made it.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))     # after the repo root: bench/ingest.py must not shadow ingest/

from junk_audit import entity_nodes  # noqa: E402

SEED = 12
FIELDS = ["n", "label", "name", "aliases", "evidence", "source", "verdict", "note"]
VERDICTS = ("correct", "junk", "boundary", "duplicate", "wrong_label")


def draw(store, n: int, seed: int = SEED) -> list[dict]:
    nodes = sorted(entity_nodes(store), key=lambda x: (x["label"], x["name"]))
    rows = []
    for k, node in enumerate(random.Random(seed).sample(nodes, min(n, len(nodes))), 1):
        evidence, source = "", ""
        try:
            hits = store.run_query("mentions", {"name": node["name"]})
        except Exception:  # noqa: BLE001 — a name the resolver cannot look up still gets a row
            hits = []
        if hits:
            evidence = " ".join(str(hits[0].get("snippet") or "").split())[:300]
            source = str(hits[0].get("source") or "")
        rows.append({"n": k, "label": node["label"], "name": node["name"], "aliases": "",
                     "evidence": evidence, "source": source, "verdict": "", "note": ""})
    return rows


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if not n:
        return 0.0, 0.0
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return centre - half, centre + half


def score(path: Path) -> str:
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
    judged = [r for r in rows if r["verdict"] in VERDICTS]
    verdicts = Counter(r["verdict"] for r in judged)
    k, n = verdicts["correct"], len(judged)
    lo, hi = wilson(k, n)
    lines = [f"judged {n} of {len(rows)} nodes: precision {k / max(n, 1):.3f} (95 % interval {lo:.2f}–{hi:.2f})",
             "verdicts: " + ", ".join(f"{v} {verdicts[v]}" for v in VERDICTS)]
    per = defaultdict(Counter)
    for r in judged:
        per[r["label"]][r["verdict"]] += 1
    for label, c in sorted(per.items()):
        total = sum(c.values())
        lines.append(f"  {label:<14} {c['correct']}/{total} = {c['correct'] / total:.2f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--store", required=True)
    d.add_argument("--n", type=int, default=300)
    d.add_argument("--seed", type=int, default=SEED)
    d.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("score")
    s.add_argument("table", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "score":
        print(score(args.table))
        return 0
    from kg.store import open_store
    password = os.environ.get("NEO4J_PASSWORD")
    store = open_store(args.store, neo4j_auth=(os.environ.get("NEO4J_USER", "neo4j"), password) if password else None)
    try:
        rows = draw(store, args.n, args.seed)
    finally:
        store.close()
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        w = csv.DictWriter(handle, fieldnames=FIELDS, delimiter="\t")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} nodes written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
