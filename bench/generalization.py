"""How well extraction carries over to text and names it has never seen.

Prints, for the internal held-out split (annotations/*.jsonl, split "heldout": whole
sources no training run reads) and the dev files:
  1. rules only vs. the shipped pipeline (rules + trained recogniser + mention scorer +
     relation model) and the shipped pipeline without the mention scorer, entity and
     relation P/R/F1, per type;
  2. the catalog ablation: every catalog entry whose name occurs in the evaluated
     documents left out — entity recall;
  3. the name-substitution probe: every non-Paper entity's names replaced, in text and
     gold alike, by an invented name (plain capitalised, lower case, inner capitals,
     digits, hyphenated) — the share still found with the right type;
  4. with --curve: held-out F1 of models trained on 25 / 50 / 100 % of the training
     documents (retrains; ~15 min on 2 cores);
  5. with --dev-slice: the same first table on the training split's dev slice (the
     documents the NER checkpoint was selected on and never trained on; the relation
     model's final refit does include them) — the place to
     compare combination policies (learned_names.py), so the held-out split stays unseen;
     and the name-substitution probe on the dev slice, by entity type and name shape;
     --dev-slice-only prints this part alone (reads nothing held out: for deciding a change).

  python bench/generalization.py [--corpus ../shared/corpus/training] [--curve] [--dev-slice | --dev-slice-only]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import split_gold  # noqa: E402
from ingest.extract import scoring, to_contract_json  # noqa: E402
from ingest.extract.catalog import write_without_names  # noqa: E402
from ingest.extract.pipeline import Extractor, build_pipeline  # noqa: E402
from ingest.extract.training.augment import invent_name, replace_names  # noqa: E402
from ingest.sources import read_docs_jsonl  # noqa: E402

SEED = 7


def run(gold_path: Path, extractor: Extractor) -> tuple[dict, dict, dict]:
    gold = scoring.read_jsonl(str(gold_path))
    docs = list(read_docs_jsonl(gold_path, default_kind="newsletter"))
    pred = {ex.doc_id: to_contract_json(ex) for ex in extractor.extract_many(docs)}
    ent, rel, _shown, _missing = scoring.score(gold, pred, 0)
    return ent, rel, pred


def totals(counts: dict) -> tuple[float, float, float]:
    from collections import Counter
    c = Counter()
    for v in counts.values():
        c.update(v)
    return scoring.prf(c)


def line(name: str, ent: dict, rel: dict) -> str:
    (ep, er, ef), (rp, rr, rf) = totals(ent), totals(rel)
    rels = f"{rp:.3f} | {rr:.3f} | {rf:.3f}" if rel else "– | – | –"
    return f"| {name} | {ep:.3f} | {er:.3f} | {ef:.3f} | {rels} |"


def per_type(ent: dict, rel: dict) -> list[str]:
    out = []
    for kind, counts in (("entity", ent), ("relation", rel)):
        for t in sorted(counts):
            p, r, f = scoring.prf(counts[t])
            c = counts[t]
            out.append(f"| {kind} | {t} | {p:.3f} | {r:.3f} | {f:.3f} | {c['tp']} | {c['fp']} | {c['fn']} |")
    return out


def recogniser_alone(gold_path: Path) -> dict:
    """Doc-level entity counts of the ``mlkg_ner`` component's own spans, no rules."""
    from ingest.extract.pipeline import MODELS_DIR, load_ner, prepare
    nlp = load_ner(str(MODELS_DIR / "ner"))
    gold = scoring.read_jsonl(str(gold_path))
    pred = {}
    for d in read_docs_jsonl(gold_path, default_kind="newsletter"):
        text, _info = prepare(d)
        pred[d.id] = {"entities": [{"name": e.text, "type": e.label_} for e in nlp(text).ents], "relations": []}
    ent, _rel, _shown, _missing = scoring.score(gold, pred, 0)
    return ent


def without_scorer(catalog_dir: str | None = None) -> Extractor:
    """The shipped pipeline minus the mention scorer (what it costs and gives)."""
    nlp = build_pipeline(catalog_dir)
    if "mlkg_mention_scorer_v1" in nlp.pipe_names:
        nlp.remove_pipe("mlkg_mention_scorer_v1")
    return Extractor(nlp)


def substitute(gold_path: Path, out: Path) -> dict[str, dict[str, str]]:
    """Consistently rename every non-Paper entity in text and gold; returns
    doc id → {invented name: label}."""
    rng = random.Random(SEED)
    invented: dict[str, dict[str, str]] = {}
    with open(out, "w", encoding="utf-8") as handle:
        for line_ in open(gold_path, encoding="utf-8"):
            g = json.loads(line_)
            mapping: dict[str, str] = {}
            subs: list[tuple[str, str]] = []
            for e in g["entities"]:
                if e["type"] == "Paper":
                    continue
                new = invent_name(e["type"], rng)
                mapping[e["name"]] = new
                for s in {e["name"], *e.get("aliases", [])}:
                    subs.append((s, new))
            text, title = replace_names(g.get("text", ""), subs), replace_names(g.get("title", ""), subs)
            g["text"] = text
            if title:
                g["title"] = title
            found = {}
            for e in g["entities"]:
                if e["name"] in mapping:
                    e["name"], e["aliases"] = mapping[e["name"]], []
                    if e["name"] in text or e["name"] in title:
                        found[e["name"]] = e["type"]
            for r in g["relations"]:
                r["head"], r["tail"] = mapping.get(r["head"], r["head"]), mapping.get(r["tail"], r["tail"])
            g["optional_entities"] = []
            invented[g["id"]] = found
            handle.write(json.dumps(g, ensure_ascii=False) + "\n")
    return invented


def name_shape(name: str) -> str:
    """The invented name's shape, for the probe's breakdown."""
    if " " in name:
        return "multiword"
    if name.islower():
        return "lower"
    if "-" in name:
        return "hyphen"
    if any(c.isdigit() for c in name):
        return "digit"
    return "innercap" if any(c.isupper() for c in name[1:]) else "capitalised"


def probe(gold_path: Path, extractor: Extractor, tmp: Path,
          by_shape: dict | None = None) -> tuple[int, int]:
    """Invented names found with the right type; ``by_shape`` (if given) collects
    (label, shape) → [found, total]."""
    sub_path = tmp / "substituted.gold.jsonl"
    invented = substitute(gold_path, sub_path)
    _ent, _rel, pred = run(sub_path, extractor)
    hit = total = 0
    for doc_id, names in invented.items():
        got = {(scoring.norm(e["name"]), e["type"]) for e in pred.get(doc_id, {}).get("entities", [])}
        for name, label in names.items():
            found = (scoring.norm(name), label) in got
            total += 1
            hit += found
            if by_shape is not None:
                counts = by_shape.setdefault((label, name_shape(name)), [0, 0])
                counts[0] += found
                counts[1] += 1
    return hit, total


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "training")
    p.add_argument("--annotations", type=Path, default=REPO / "annotations")
    p.add_argument("--dev", type=Path, default=REPO.parent / "shared" / "eval" / "dev")
    p.add_argument("--curve", action="store_true", help="also train at 25/50/100 %% (slow)")
    p.add_argument("--dev-slice", action="store_true", help="also score the training split's dev slice")
    p.add_argument("--dev-slice-only", action="store_true",
                   help="only the training split's dev slice (for deciding a change: nothing held out is read)")
    p.add_argument("--scorer-threshold", type=float, metavar="T",
                   help="with --dev-slice-only: the mention scorer keeps names at T instead of its "
                        "trained threshold (how the threshold trades entity F1 against the probe)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        if args.dev_slice_only:
            learned = Extractor(learned=True)
            if args.scorer_threshold is not None:
                scorer = learned.nlp.get_pipe("mlkg_mention_scorer_v1")
                scorer.model = replace(scorer.model, threshold=args.scorer_threshold)
                print(f"mention scorer threshold: {args.scorer_threshold}")
            dev_slice(args, tmp, Extractor(learned=False), learned)
            return
        if args.scorer_threshold is not None:
            p.error("--scorer-threshold goes with --dev-slice-only (the held-out split is measured as shipped)")
        held = split_gold(args.corpus, args.annotations, "heldout", tmp / "heldout.gold.jsonl")
        n_held = sum(1 for _ in open(held))
        rules, learned = Extractor(learned=False), Extractor(learned=True)
        print(f"## Held-out split ({n_held} documents) and dev files\n")
        print("| run | ent P | ent R | ent F1 | rel P | rel R | rel F1 |\n|---|---|---|---|---|---|---|")
        held_learned = None
        for name, gold in [("held-out", held)] + [(f"dev {f.stem.replace('.gold', '')}", f)
                                                 for f in sorted(args.dev.glob("*.gold.jsonl"))]:
            for label, ex in (("rules only", rules), ("rules + learned", learned)):
                ent, rel, _ = run(gold, ex)
                print(line(f"{name}, {label}", ent, rel))
                if name == "held-out" and ex is learned:
                    held_learned = (ent, rel)
        unscored = without_scorer()
        ent, rel, _ = run(held, unscored)
        print(line("held-out, rules + learned without the mention scorer", ent, rel))
        ner_ent = recogniser_alone(held)
        print(line("held-out, the trained recogniser alone (no rules)", ner_ent, {}))
        print("\n### Held-out per type (rules + learned; last column: the recogniser alone)\n")
        print("| | type | P | R | F1 | tp | fp | fn | recogniser alone P / R / F1 |\n"
              "|---|---|---|---|---|---|---|---|---|")
        rows = per_type(*held_learned)
        for k, row in enumerate(rows):
            t = row.split(" | ")[1]
            alone = ""
            if row.startswith("| entity") and t in ner_ent:
                p, r, f = scoring.prf(ner_ent[t])
                alone = f"{p:.2f} / {r:.2f} / {f:.2f}"
            rows[k] = row + f" {alone} |"
        print("\n".join(rows))
        texts = [f"{d.title or ''}\n{d.text}" for d in read_docs_jsonl(held)]
        ablated = tmp / "catalog"
        dropped = write_without_names(texts, ablated)
        print(f"\n## Catalog ablation on the held-out split ({dropped} catalog entries left out)\n")
        print("| run | ent P | ent R | ent F1 | rel P | rel R | rel F1 |\n|---|---|---|---|---|---|---|")
        for label, lrn in (("rules only", False), ("rules + learned", True), ("rules + learned, no scorer", None)):
            ex = without_scorer(str(ablated)) if lrn is None else Extractor(build_pipeline(str(ablated), learned=lrn))
            ent, rel, _ = run(held, ex)
            print(line(f"without catalog names, {label}", ent, rel))
        print("\n## Name-substitution probe (held-out, every non-Paper entity renamed)\n")
        for label, ex in (("rules only", rules), ("rules + learned", learned),
                          ("rules + learned, no scorer", unscored)):
            hit, total = probe(held, ex, tmp)
            print(f"- {label}: {hit}/{total} invented names found with the right type = {hit / max(total, 1):.3f}")
        if args.curve:
            learning_curve(args, held, tmp)
        if args.dev_slice:
            dev_slice(args, tmp, rules, learned)


def dev_slice(args, tmp: Path, rules: Extractor, learned: Extractor) -> None:
    from ingest.extract.training.registry import in_dev_slice
    train = split_gold(args.corpus, args.annotations, "train", tmp / "train.gold.jsonl")
    sliced = tmp / "slice.gold.jsonl"
    with open(sliced, "w", encoding="utf-8") as out:
        for line_ in open(train, encoding="utf-8"):
            if in_dev_slice(json.loads(line_)["id"], 0.1):
                out.write(line_)
    n = sum(1 for _ in open(sliced))
    print(f"\n## Training split's dev slice ({n} documents)\n")
    print("| run | ent P | ent R | ent F1 | rel P | rel R | rel F1 |\n|---|---|---|---|---|---|---|")
    for label, ex in (("rules only", rules), ("rules + learned", learned)):
        ent, rel, _ = run(sliced, ex)
        print(line(f"dev slice, {label}", ent, rel))
    shapes: dict = {}
    hit, total = probe(sliced, learned, tmp, shapes)
    print(f"\nName-substitution probe on the dev slice, rules + learned: {hit}/{total} invented names "
          f"found with the right type = {hit / max(total, 1):.3f}; by type and shape: "
          + ", ".join(f"{lab} {shape} {h}/{t}" for (lab, shape), (h, t) in sorted(shapes.items())))


def learning_curve(args, held: Path, tmp: Path) -> None:
    from ingest.extract.training.__main__ import main as train_main
    print("\n## Learning curve (held-out, rules + learned)\n")
    print("| training share | ent P | ent R | ent F1 | rel P | rel R | rel F1 |\n|---|---|---|---|---|---|---|")
    for share in (0.25, 0.5, 1.0):
        out = tmp / f"models-{int(share * 100)}"
        if share < 1.0:   # same pretrained tok2vec (build/pretrain), same config and seeds
            for what in ("ner", "relations"):
                train_main([what, "--annotations", str(args.annotations), "--corpus", str(args.corpus),
                            "--out", str(out), "--fraction", str(share)])
        else:             # 100 %: the shipped models
            out = REPO / "ingest" / "extract" / "models"
        ent, rel, _ = run(held, Extractor(build_pipeline(models_dir=str(out))))
        print(line(f"{int(share * 100)} %", ent, rel), flush=True)


if __name__ == "__main__":
    main()
