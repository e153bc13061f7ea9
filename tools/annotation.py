"""Annotation workflow for the extractor's training corpus (docs/ANNOTATION.md).

The raw text stays in ../shared/corpus/training; the repository keeps standoff
annotations (annotations/*.jsonl: id, sha256 of the view, character spans, labels,
relations by entity name). Subcommands:

  select     draw the documents to annotate (fixed seed; held-out split by source)
  batches    write annotator work files (JSON lines of {id, kind, view}) outside the repo
  calib      write the dev documents, text only, for a blind calibration round
  to-pred    turn annotator output into contract predictions (for score.py)
  import     turn annotator output into standoff annotations, checking every mention
  agree      doc-level agreement (entity / relation F1) between two annotators

Run as ``python tools/annotation.py SUBCOMMAND --help``.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.extract.training.corpus import FOLDERS, HELDOUT_SOURCES, read_corpus  # noqa: E402,F401
from ingest.extract.training.standoff import (  # noqa: E402
    ENTITY_TYPES, RELATION_TYPES, find_spans, sha256, view_of)

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "training"
TRAIN_QUOTA = {"newsletter-style": 660, "arxiv": 430, "docs": 270, "lists": 170}
HELDOUT_QUOTA = {"newsletter-style": 130, "arxiv": 70, "docs": 70, "lists": 60}
PER_FILE_CAP = {"newsletter-style": 45, "arxiv": 120, "docs": 90, "lists": 30}
SEED = 20261207


def cmd_select(args) -> None:
    rng = random.Random(SEED)
    corpus = read_corpus(Path(args.corpus))
    rows = []
    for folder, items in corpus.items():
        held = [i for i in items if i["_file"].startswith(HELDOUT_SOURCES[folder])]
        train = [i for i in items if not i["_file"].startswith(HELDOUT_SOURCES[folder])]
        for split, pool, quota in (("heldout", held, HELDOUT_QUOTA[folder]),
                                   ("train", train, TRAIN_QUOTA[folder])):
            pool = [i for i in pool if i.get("text", "").strip()]
            rng.shuffle(pool)
            taken, per_file = [], defaultdict(int)
            for item in pool:   # cap per file so no single source dominates
                if per_file[item["_file"]] >= PER_FILE_CAP[folder]:
                    continue
                per_file[item["_file"]] += 1
                taken.append(item)
                if len(taken) == quota:
                    break
            for item in taken:
                rows.append({"id": item["id"], "folder": folder, "file": item["_file"], "split": split,
                             "sha256": sha256(view_of(item))})
    # ~10 % of documents go to a second annotator
    doubles = {r["id"] for r in rng.sample(rows, k=len(rows) // 10)}
    for r in rows:
        r["double"] = r["id"] in doubles
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        for r in rows:
            handle.write(json.dumps(r) + "\n")
    counts = defaultdict(int)
    for r in rows:
        counts[(r["folder"], r["split"])] += 1
    print(dict(counts), "double:", len(doubles))


ROUND2_QUOTA = {"newsletter-style": 600, "arxiv": 300, "docs": 250, "lists": 250}
ROUND2_CAP = {"newsletter-style": 60, "arxiv": 200, "docs": 150, "lists": 60}


def cmd_extend(args) -> None:
    """A further round of training documents (never from held-out sources), appended
    to the selection with ``round`` set; ~10 % annotated twice."""
    rng = random.Random(SEED + args.round)
    corpus = read_corpus(Path(args.corpus))
    existing = [json.loads(l) for l in open(args.selection, encoding="utf-8")]
    have = {r["id"] for r in existing}
    per_file = defaultdict(int)
    for r in existing:
        if r["split"] == "train":
            per_file[r["file"]] += 1
    rows = []
    for folder, items in corpus.items():
        pool = [i for i in items if not i["_file"].startswith(HELDOUT_SOURCES[folder])
                and i["id"] not in have and i.get("text", "").strip()]
        rng.shuffle(pool)
        taken = 0
        for item in pool:
            if per_file[item["_file"]] >= ROUND2_CAP[folder]:
                continue
            per_file[item["_file"]] += 1
            rows.append({"id": item["id"], "folder": folder, "file": item["_file"], "split": "train",
                         "sha256": sha256(view_of(item)), "round": args.round})
            taken += 1
            if taken == ROUND2_QUOTA[folder]:
                break
    doubles = {r["id"] for r in rng.sample(rows, k=len(rows) // 10)}
    for r in rows:
        r["double"] = r["id"] in doubles
    with open(args.selection, "a", encoding="utf-8") as handle:
        for r in rows:
            handle.write(json.dumps(r) + "\n")
    counts = defaultdict(int)
    for r in rows:
        counts[r["folder"]] += 1
    print(dict(counts), "double:", len(doubles))


def _write_work(path: Path, items: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps({"id": item["id"], "kind": item.get("kind"),
                                     "view": view_of(item)}, ensure_ascii=False) + "\n")


def cmd_batches(args) -> None:
    """Deal documents to N annotators, balanced by characters; doubles go to two."""
    corpus = {i["id"]: i for items in read_corpus(Path(args.corpus)).values() for i in items}
    plan = [r for r in (json.loads(l) for l in open(args.selection, encoding="utf-8"))
            if r.get("round", 1) == args.round]
    n = args.annotators
    load = [0] * n
    work: list[list[dict]] = [[] for _ in range(n)]
    rng = random.Random(SEED + 1)
    rng.shuffle(plan)
    plan.sort(key=lambda r: -len(view_of(corpus[r["id"]])))
    for r in plan:
        item = corpus[r["id"]]
        order = sorted(range(n), key=lambda k: load[k])
        for k in order[: 2 if r["double"] else 1]:
            work[k].append(item)
            load[k] += len(view_of(item)) + 400   # + per-document overhead
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        items = work[k]
        rng.shuffle(items)
        size = args.batch_size
        for b in range(0, len(items), size):
            _write_work(out / f"A{k + 1}-{b // size + 1:02d}.jsonl", items[b:b + size])
        print(f"A{k + 1}: {len(items)} docs, {load[k]} chars")


def cmd_calib(args) -> None:
    docs = []
    for path in sorted(Path(args.dev).glob("*.gold.jsonl")):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                g = json.loads(line)
                # text fields only: the annotator never sees the gold
                docs.append({k: g[k] for k in ("id", "kind", "title", "text") if k in g})
    rng = random.Random(SEED)
    rng.shuffle(docs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for k in range(args.parts):
        _write_work(out / f"calib-{k + 1}.jsonl", docs[k::args.parts])
    print(len(docs), "documents in", args.parts, "parts")


def read_annotations(paths: list[str]) -> dict[str, dict]:
    out = {}
    for path in paths:
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"{path}:{n}: not JSON ({exc})", file=sys.stderr)
                    continue
                out[str(row["id"])] = row
    return out


def cmd_to_pred(args) -> None:
    with open(args.out, "w", encoding="utf-8") as handle:
        for doc_id, row in read_annotations(args.inputs).items():
            ents = [{"name": e["name"], "type": e["type"]} for e in row.get("entities", [])]
            rels = [{"head": r["head"], "type": r["type"], "tail": r["tail"]}
                    for r in row.get("relations", [])]
            handle.write(json.dumps({"id": doc_id, "entities": ents, "relations": rels}) + "\n")


def check(row: dict, view: str) -> tuple[dict, list[str]]:
    """Annotator output → standoff record; problems are reported, bad parts dropped."""
    problems: list[str] = []
    entities, names = [], set()
    for field in ("entities", "optional_entities"):
        for e in row.get(field, []) or []:
            name, label = str(e.get("name", "")).strip(), e.get("type")
            if label not in ENTITY_TYPES or not name:
                problems.append(f"bad entity {e!r}")
                continue
            surfaces = list(dict.fromkeys([name, *[str(m) for m in e.get("mentions", []) or []]]))
            spans = []
            for s in surfaces:
                found = find_spans(view, s)
                if not found and s != name:
                    problems.append(f"mention not in text: {s!r}")
                spans.extend(found)
            if not spans:
                problems.append(f"entity never found in text: {name!r}")
            entities.append({"name": name, "label": label, "optional": field != "entities",
                             "spans": sorted(set(spans))})
            if field == "entities":
                names.add(name)
    relations = []
    for r in row.get("relations", []) or []:
        if r.get("type") not in RELATION_TYPES or r.get("head") not in names or r.get("tail") not in names:
            problems.append(f"bad relation {r!r}")
            continue
        relations.append({"head": r["head"], "type": r["type"], "tail": r["tail"]})
    return {"entities": entities, "relations": relations}, problems


def cmd_import(args) -> None:
    corpus = {i["id"]: i for items in read_corpus(Path(args.corpus)).values() for i in items}
    plan = {json.loads(l)["id"]: json.loads(l) for l in open(args.selection, encoding="utf-8")}
    by_folder: dict[str, list[dict]] = defaultdict(list)
    n_problems = 0
    rows = []
    for path in sorted(Path(args.inputs).glob("*-*.jsonl")):
        annotator = path.name.split("-")[0]
        annotator = "adjudicated" if annotator == "ADJ" else annotator
        for doc_id, row in read_annotations([str(path)]).items():
            if doc_id not in plan:
                print(f"{path.name}: {doc_id}: not in the selection", file=sys.stderr)
                continue
            view = view_of(corpus[doc_id])
            record, problems = check(row, view)
            for p in problems:
                print(f"{path.name}: {doc_id}: {p}", file=sys.stderr)
            n_problems += len(problems)
            rows.append({"id": doc_id, "annotator": annotator, **record})
    for r in rows:
        meta = plan[r["id"]]
        by_folder[meta["folder"]].append({"id": r["id"], "sha256": meta["sha256"], "split": meta["split"],
                                          "annotator": r["annotator"], "entities": r["entities"],
                                          "relations": r["relations"]})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for folder, recs in by_folder.items():
        recs.sort(key=lambda r: (r["id"], r["annotator"]))
        with open(out / f"{folder}.jsonl", "w", encoding="utf-8") as handle:
            for rec in recs:
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(folder, len(recs), "annotations of", len({r["id"] for r in recs}), "documents")
    print("problems:", n_problems)


def cmd_gold(args) -> None:
    """Annotations of one split as an evaluation gold file (contract format, with the
    shared text): for ``kg eval --gold``. Written outside the repository."""
    from ingest.extract.training.standoff import load_texts, read_standoff
    docs = [d for d in read_standoff(Path(args.annotations)) if d.split == args.split]
    chosen = {}
    for d in docs:
        if d.id not in chosen or d.annotator == "adjudicated":
            chosen[d.id] = d
    items = load_texts(Path(args.corpus), list(chosen.values()))
    with open(args.out, "w", encoding="utf-8") as handle:
        for doc_id in sorted(chosen):
            d, item = chosen[doc_id], items[doc_id]
            view = view_of(item)

            def ent(e):
                aliases = sorted({view[s:t] for s, t in e.spans} - {e.name})
                return {"name": e.name, "type": e.label, "aliases": aliases}
            # text fields only (as in the dev gold): facts from a document's origin are not annotated
            row = {k: item[k] for k in ("id", "kind", "title", "text", "arxiv_id") if item.get(k)}
            row["entities"] = [ent(e) for e in d.entities if not e.optional]
            row["optional_entities"] = [ent(e) for e in d.entities if e.optional]
            row["relations"] = [{"head": h, "type": t, "tail": x} for h, t, x in d.relations]
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(len(chosen), "documents")


def _as_gold(rec: dict) -> dict:
    return {"entities": [{"name": e["name"], "type": e["label"], "aliases": []}
                         for e in rec["entities"] if not e["optional"]],
            "optional_entities": [{"name": e["name"], "type": e["label"]} for e in rec["entities"] if e["optional"]],
            "relations": rec["relations"]}


def _with_aliases(rec: dict, view: str) -> dict:
    g = _as_gold(rec)
    by_name = {e["name"]: e for e in rec["entities"]}
    for e in g["entities"] + g["optional_entities"]:
        e["aliases"] = sorted({view[s:t] for s, t in by_name[e["name"]]["spans"]} - {e["name"]})
    return g


def cmd_agree(args) -> None:
    """Doc-level agreement between the two annotators of each doubly annotated document:
    entity and relation F1 with either side as reference (the scorer's matching rules),
    per folder and overall."""
    from ingest.extract import scoring
    from ingest.extract.training.standoff import load_texts, read_standoff
    docs = read_standoff(Path(args.annotations))
    by_id = defaultdict(list)
    for d in docs:
        if d.annotator != "adjudicated":
            by_id[d.id].append(d)
    pairs = {k: v[:2] for k, v in by_id.items() if len(v) >= 2}
    items = load_texts(Path(args.corpus), [v[0] for v in pairs.values()])
    raw = {}
    for path in sorted(Path(args.annotations).glob("*.jsonl")):
        if path.name != "selection.jsonl":
            for line in open(path, encoding="utf-8"):
                r = json.loads(line)
                raw[(r["id"], r["annotator"])] = r
    folders = defaultdict(lambda: ({}, {}))
    for doc_id, (a, b) in pairs.items():
        view = view_of(items[doc_id])
        ga, gb = raw[(doc_id, a.annotator)], raw[(doc_id, b.annotator)]
        gold, pred = folders[a.folder]
        gold[doc_id] = _with_aliases(ga, view)
        pred[doc_id] = {"entities": [{"name": e["name"], "type": e["label"]} for e in gb["entities"] if not e["optional"]],
                        "relations": gb["relations"]}
    print("| folder | docs | entity P / R / F1 | relation P / R / F1 |\n|---|---|---|---|")
    all_gold, all_pred = {}, {}
    for folder, (gold, pred) in sorted(folders.items()) + [("all", (all_gold, all_pred))]:
        if folder != "all":
            all_gold.update(gold)
            all_pred.update(pred)
        ent, rel, _s, _m = scoring.score(gold, pred, 0)
        e, r = scoring.table("entity", ent, False), scoring.table("relation", rel, False)
        (ep, er, ef), (rp, rr, rf) = scoring.prf(e), scoring.prf(r)
        print(f"| {folder} | {len(gold)} | {ep:.3f} / {er:.3f} / {ef:.3f} | {rp:.3f} / {rr:.3f} / {rf:.3f} |")
    # a single annotator against the adjudicated record: the quality of documents annotated once
    gold, pred = {}, {}
    for doc_id in pairs:
        adj = raw.get((doc_id, "adjudicated"))
        if adj is None:
            continue
        for d in pairs[doc_id]:
            one = raw[(doc_id, d.annotator)]
            gold[f"{doc_id}|{d.annotator}"] = _as_gold(adj)
            pred[f"{doc_id}|{d.annotator}"] = {"entities": [{"name": e["name"], "type": e["label"]}
                                                            for e in one["entities"] if not e["optional"]],
                                               "relations": one["relations"]}
    if gold:
        ent, rel, _s, _m = scoring.score(gold, pred, 0)
        (ep, er, ef), (rp, rr, rf) = (scoring.prf(scoring.table("e", ent, False)),
                                      scoring.prf(scoring.table("r", rel, False)))
        print(f"\nsingle annotator vs adjudicated ({len(gold) // 2} documents): entity {ep:.3f} / {er:.3f} / {ef:.3f}, "
              f"relation {rp:.3f} / {rr:.3f} / {rf:.3f}")
    if args.disagreements:
        with open(args.disagreements, "w", encoding="utf-8") as handle:
            for doc_id, (a, b) in sorted(pairs.items()):
                ga, gb = raw[(doc_id, a.annotator)], raw[(doc_id, b.annotator)]
                handle.write(json.dumps({"id": doc_id, "kind": items[doc_id].get("kind"),
                                         "view": view_of(items[doc_id]),
                                         "annotation_1": _as_gold(ga), "annotation_2": _as_gold(gb)},
                                        ensure_ascii=False) + "\n")


def cmd_sources(args) -> None:
    """annotations/SOURCES.md: every source the annotated documents come from, with its
    licence and how many documents of each split."""
    corpus = {i["id"]: i for items in read_corpus(Path(args.corpus)).values() for i in items}
    plan = [json.loads(l) for l in open(args.selection, encoding="utf-8")]
    rows: dict[tuple, dict] = {}
    for r in plan:
        item = corpus[r["id"]]
        origin = (item.get("source") or "").split(" : ")[0] or item.get("list", "?")
        key = (r["folder"], origin, item.get("licence") or "?")
        rows.setdefault(key, {"train": 0, "heldout": 0})[r["split"]] += 1
    lines = ["# Sources of the annotated documents", "",
             "Generated by `python tools/annotation.py sources` from the selection and the shared corpus",
             "(`../shared/corpus/training/*/SOURCES.md` has each source's path and how items were cut).",
             "The text stays in `../shared`; this repository holds standoff annotations only.", "",
             "| folder | source (repository @ commit) | licence | train | held-out |", "|---|---|---|---|---|"]
    for (folder, origin, licence), n in sorted(rows.items()):
        lines.append(f"| {folder} | {origin} | {licence} | {n['train']} | {n['heldout']} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(len(rows), "sources")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("select")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--out", default=str(REPO / "annotations" / "selection.jsonl"))
    s.set_defaults(fn=cmd_select)
    s = sub.add_parser("extend")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--selection", default=str(REPO / "annotations" / "selection.jsonl"))
    s.add_argument("--round", type=int, default=2)
    s.set_defaults(fn=cmd_extend)
    s = sub.add_parser("batches")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--selection", default=str(REPO / "annotations" / "selection.jsonl"))
    s.add_argument("--annotators", type=int, default=8)
    s.add_argument("--batch-size", type=int, default=60)
    s.add_argument("--round", type=int, default=1)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_batches)
    s = sub.add_parser("calib")
    s.add_argument("--dev", default=str(REPO.parent / "shared" / "eval" / "dev"))
    s.add_argument("--parts", type=int, default=4)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_calib)
    s = sub.add_parser("to-pred")
    s.add_argument("inputs", nargs="+")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_to_pred)
    s = sub.add_parser("import")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--selection", default=str(REPO / "annotations" / "selection.jsonl"))
    s.add_argument("--inputs", required=True, help="folder of annotator output files A<k>-<nn>.jsonl")
    s.add_argument("--out", default=str(REPO / "annotations"))
    s.set_defaults(fn=cmd_import)
    s = sub.add_parser("agree")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--annotations", default=str(REPO / "annotations"))
    s.add_argument("--disagreements", help="write both annotations of every double document here (for adjudication)")
    s.set_defaults(fn=cmd_agree)
    s = sub.add_parser("sources")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--selection", default=str(REPO / "annotations" / "selection.jsonl"))
    s.add_argument("--out", default=str(REPO / "annotations" / "SOURCES.md"))
    s.set_defaults(fn=cmd_sources)
    s = sub.add_parser("gold")
    s.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    s.add_argument("--annotations", default=str(REPO / "annotations"))
    s.add_argument("--split", default="heldout", choices=("heldout", "train"))
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_gold)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
