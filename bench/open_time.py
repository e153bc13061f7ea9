"""Store open time (issue 8): how long the embedded store takes to open and answer
one query, by store size, before and after the AOF changes.

For each size, a store of N ingested documents is written — ingest-shaped
batches from ``bench/generate.py`` (200 sources per chunk, each chunk marked
loading → upserted → marked done, 2 entities and 5 relation edges per document)
— once with this tree's code and once with a *before* tree (``git archive`` of
``--before``, default ``main``), each in its own process and closed as a ``kg``
command closes it. Then, in fresh processes of the same tree:

* **open + query**: start the server on the store, create-or-check the schema,
  run the named query ``search`` once, leave (median of ``--repeat``);
* **kg query, warm**: ``kg query search`` end to end (Python start included)
  while another process holds the store open, so its server is running.

    python3 bench/open_time.py [--docs 1000 10000 100000] [--repeat 5] [--before main]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY = ("search", {"q": "former"})


# -- run inside a tree (PYTHONPATH = that tree) -------------------------------------
def _generator(tree: Path):
    spec = importlib.util.spec_from_file_location("mlkg_bench_generate",
                                                  tree / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def build(tree: Path, data: Path, docs: int) -> dict:
    from kg.store.embedded.store import EmbeddedStore
    gen = _generator(tree)
    cfg = gen.GenConfig(entities=2 * docs, relations=5 * docs, relation_batch=1000,
                        sources_per_batch_ratio=0.2)
    started = time.perf_counter()
    store = EmbeddedStore(data)
    for batch in gen.GraphGenerator(cfg).batches():
        ids = [s.id for s in batch.sources]
        if ids:
            store.mark_loading(ids)
        store.upsert(batch)
        if ids:
            store.mark_done([{"id": s.id, "content_hash": s.content_hash,
                              "extractor_version": "bench"} for s in batch.sources])
    loaded = time.perf_counter() - started
    nodes, edges = store.counts()
    store.stop_server()
    return {"load_s": loaded, "close_s": time.perf_counter() - started - loaded,
            "nodes": nodes, "edges": edges}


def time_open(data: Path, repeat: int) -> dict:
    from kg.store.embedded.store import EmbeddedStore
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        store = EmbeddedStore(data)
        store.run_query(*QUERY)
        times.append(time.perf_counter() - started)
        store.stop_server()
    return {"open_query_s": times}


def time_warm_cli(tree: Path, data: Path, repeat: int) -> dict:
    from kg.store.embedded.store import EmbeddedStore
    holder = EmbeddedStore(data)
    times = []
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kg.cli", "query", QUERY[0], "-p",
                            f"q={QUERY[1]['q']}", "--store", str(data), "--format", "json"],
                           cwd=tree, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    finally:
        holder.stop_server()
    return {"kg_query_warm_s": times}


# -- the orchestrator ----------------------------------------------------------------
def _in_tree(tree: Path, *args: str, timeout: float = 3600) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], cwd=tree,
                          env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:  # the exception's line, not the log tail it quotes
        lines = done.stderr.strip().splitlines() or ["failed"]
        said = [line for line in lines if line.startswith(("kg.errors.", "Error"))]
        return {"error": (said or lines)[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _aof_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in (data / "appendonlydir").glob("*"))


def _median(values) -> float | None:
    return statistics.median(values) if values else None


def _fmt(seconds: float | None) -> str:
    return "failed" if seconds is None else f"{seconds * 1000:,.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--before", default="main", help="git ref of the 'before' code")
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    ap.add_argument("_step", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._step:  # a step run inside one tree
        step, tree, data, n = args._step
        result = {"build": lambda: build(Path(tree), Path(data), int(n)),
                  "open": lambda: time_open(Path(data), int(n)),
                  "warm": lambda: time_warm_cli(Path(tree), Path(data), int(n))}[step]()
        print(json.dumps(result))
        return
    work = Path(tempfile.mkdtemp(prefix="mlkg-open-time-"))
    before = work / "before-tree"
    before.mkdir()
    archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
    rows = []
    try:
        for docs in args.docs:
            for variant, tree in (("before", before), ("after", ROOT)):
                data = work / f"{variant}-{docs}"
                built = _in_tree(tree, "build", str(tree), str(data), str(docs))
                opened = _in_tree(tree, "open", str(tree), str(data), str(args.repeat))
                warm = _in_tree(tree, "warm", str(tree), str(data), str(args.repeat))
                row = {"docs": docs, "variant": variant, **built, "aof_bytes": _aof_bytes(data),
                       "open_query_median_s": _median(opened.get("open_query_s")),
                       "kg_query_warm_median_s": _median(warm.get("kg_query_warm_s")),
                       "errors": [r["error"] for r in (built, opened, warm) if "error" in r]}
                rows.append(row)
                print(f"{docs:>7,} docs {variant:>6}: {row.get('nodes', 0):,} nodes "
                      f"{row.get('edges', 0):,} edges, AOF {row['aof_bytes'] / 1e6:,.1f} MB, "
                      f"load {row.get('load_s', 0):.1f} s, close {row.get('close_s', 0):.2f} s; "
                      f"open + query {_fmt(row['open_query_median_s'])}, "
                      f"kg query (warm) {_fmt(row['kg_query_warm_median_s'])}"
                      + (f"  ERRORS {row['errors']}" if row["errors"] else ""), flush=True)
                shutil.rmtree(data, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n| documents | AOF before → after | open + query before | after | ratio |")
    print("|---|---|---|---|---|")
    for docs in args.docs:
        b, a = [r for r in rows if r["docs"] == docs]
        ratio = (f"{b['open_query_median_s'] / a['open_query_median_s']:.1f}x"
                 if b["open_query_median_s"] and a["open_query_median_s"] else "n/a")
        print(f"| {docs:,} | {b['aof_bytes'] / 1e6:,.1f} → {a['aof_bytes'] / 1e6:,.1f} MB | "
              f"{_fmt(b['open_query_median_s'])} | {_fmt(a['open_query_median_s'])} | {ratio} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
