"""Extraction throughput on Ray (1 and 2 actors) vs the local process pool (1 and 2
workers), on the same corpus, with the same output; and a projection for the arXiv
backfill (2.7 M abstracts) at 16/64/256 cores.

    python3 bench/scale.py                         # examples/corpus, 3 passes, medians of 3
    python3 bench/scale.py --passes 1 --repeats 1  # quicker

Each run extracts the whole corpus ``--passes`` times over (the documents repeated, so
a run lasts long enough to see steady throughput):

* ``local-1``: ``Extractor.extract_many(docs)`` in this process (``nlp.pipe``, batches
  of 128) — the default ``kg ingest`` path; the pipeline is loaded before the clock;
* ``local-2``: ``extract_many(docs, workers=2)``, a process pool; each worker loads
  its pipeline inside the timed run, as it does in ``kg ingest --workers 2``;
* ``ray-1`` / ``ray-2``: ``RayExecutor.extract_chunks`` (Ray Data ``map_batches`` over
  1 or 2 actors), one window for the whole run, so actor start-up and pipeline loads
  are inside the timed run; ``ray.init`` (a local Ray with 2 CPUs, a 200 MB object
  store) is started once, outside it.

Each run also reports when its first result arrived and the rate after it (pool and
actor start-up, pipeline loads excluded), which is what long runs see.
Every mode's predictions (``kg extract``'s JSON lines) must equal ``local-1``'s byte
for byte, else the benchmark stops. Throughput is documents/s and tokens/s (whitespace
tokens); the projection divides 2.7 M × the corpus's mean arXiv abstract length by
``local-1``'s token rate per core after its first result (what an actor runs once
started), assuming linear
scaling and, beside it, ``ray-2``'s measured scaling efficiency (a projection, not a
measurement), and shows the store's load bound beside it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, environment, log, median, write_json  # noqa: E402

sys.path.insert(0, str(ROOT))   # the ingest package before bench/ingest.py

from ingest.extract import to_contract_json  # noqa: E402
from ingest.sources import files_of, read_path  # noqa: E402

BACKFILL_DOCS = 2_700_000
CORES = (16, 64, 256)


def read_corpus(path: Path) -> list:
    docs = []
    for file, refusal in files_of(str(path)):
        if not refusal:
            docs.extend(read_path(str(file)))
    return docs


def predictions(extractions) -> list[str]:
    return [json.dumps(to_contract_json(e), ensure_ascii=False) for e in extractions]


def run_local(extractor, docs, workers: int) -> tuple[float, float, int, list]:
    """(seconds, seconds to the first result, documents by then, extractions)"""
    t0 = time.perf_counter()
    out, first = [], None
    for extraction in extractor.extract_many(docs, workers=workers):
        out.append(extraction)
        if first is None:   # a whole batch (or a worker's first chunk) is done by now
            first = time.perf_counter() - t0
    return time.perf_counter() - t0, first, 1, out


def run_ray(docs, actors: int, batch_docs: int) -> tuple[float, float, int, list]:
    from ingest.ray_executor import RayExecutor
    t0 = time.perf_counter()
    chunks = [docs[i:i + batch_docs] for i in range(0, len(docs), batch_docs)]
    out, first = [], None
    with RayExecutor(concurrency=actors, batch_docs=batch_docs,
                     window_docs=len(docs) + 1) as ex:
        for chunk, extractions in ex.extract_chunks(chunks, lambda c: [True] * len(c)):
            out.extend(extractions)
            if first is None:   # the actors are up and their pipelines loaded
                first = time.perf_counter() - t0
    return time.perf_counter() - t0, first, len(chunks[0]), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "examples" / "corpus"))
    ap.add_argument("--passes", type=int, default=3, help="times the corpus is extracted per run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-docs", type=int, default=32, help="documents per actor batch")
    ap.add_argument("--modes", default="local-1,local-2,ray-1,ray-2")
    ap.add_argument("--load-rate", type=float, default=7441.0,
                    help="store load, elements/s, for the load bound (default: Neo4j "
                         "batched MERGE, BENCHMARKS.md 'Store load')")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)

    import ray

    from ingest.extract.pipeline import Extractor
    corpus = read_corpus(Path(args.corpus))
    docs = corpus * args.passes
    tokens = sum(len(((d.title or "") + " " + d.text).split()) for d in docs)
    abstracts = [d for d in corpus if d.kind == "arxiv"]
    abstract_tokens = (sum(len(((d.title or "") + " " + d.text).split()) for d in abstracts)
                       / max(1, len(abstracts)))
    log(f"corpus {args.corpus}: {len(corpus)} documents x {args.passes} passes = "
        f"{len(docs)} documents, {tokens:,} tokens; mean arXiv abstract "
        f"{abstract_tokens:.0f} tokens ({len(abstracts)} abstracts)")
    t0 = time.perf_counter()
    extractor = Extractor()
    load_s = time.perf_counter() - t0
    reference = run_local(extractor, corpus, 1)[3]
    expected = predictions(reference) * args.passes
    elements_per_doc = sum(len(e.entities) + len(e.relations) for e in reference) / len(corpus)

    t0 = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200 * 2**20,
             log_to_driver=False, configure_logging=False)
    ray_init_s = time.perf_counter() - t0
    results: dict[str, dict] = {}
    try:
        for mode in args.modes.split(","):
            kind, n = mode.split("-")
            n = int(n)
            runs = []
            for k in range(args.repeats):
                seconds, first, first_docs, out = (
                    run_local(extractor, docs, n) if kind == "local"
                    else run_ray(docs, n, args.batch_docs))
                if predictions(out) != expected:
                    raise SystemExit(f"{mode}: predictions differ from local-1's")
                steady = (len(docs) - first_docs) / (seconds - first)
                runs.append({"seconds": seconds, "first_result_s": first,
                             "steady_docs_per_s": steady})
                log(f"{mode} run {k + 1}: {len(docs)} documents in {seconds:.1f}s = "
                    f"{len(docs) / seconds:.1f} docs/s; first result after {first:.1f}s, "
                    f"{steady:.1f} docs/s after it")
            s = median([r["seconds"] for r in runs])
            steady = median([r["steady_docs_per_s"] for r in runs])
            results[mode] = {"runs": runs, "seconds": s, "docs_per_s": len(docs) / s,
                             "tokens_per_s": tokens / s, "cpus": n,
                             "first_result_s": median([r["first_result_s"] for r in runs]),
                             "steady_docs_per_s": steady,
                             "steady_tokens_per_s": steady * tokens / len(docs)}
    finally:
        ray.shutdown()

    print(f"corpus: {len(corpus)} documents x {args.passes} = {len(docs)} documents, "
          f"{tokens:,} tokens; pipeline load {load_s:.1f}s (local-1: before the clock), "
          f"ray.init {ray_init_s:.1f}s (outside the clock); medians of {args.repeats}; "
          f"predictions identical in every mode")
    print(f"{'mode':<8} {'seconds':>8} {'docs/s':>8} {'tokens/s':>9} {'vs local-1':>10} "
          f"{'1st result s':>12} {'docs/s after':>12} {'vs local-1':>10}")
    base = results.get("local-1", next(iter(results.values())))
    for mode, r in results.items():
        print(f"{mode:<8} {r['seconds']:>8.1f} {r['docs_per_s']:>8.1f} "
              f"{r['tokens_per_s']:>9,.0f} {r['docs_per_s'] / base['docs_per_s']:>9.2f}x "
              f"{r['first_result_s']:>12.1f} {r['steady_docs_per_s']:>12.1f} "
              f"{r['steady_docs_per_s'] / base['steady_docs_per_s']:>9.2f}x")
    projection = {}
    if {"local-1", "ray-1", "ray-2"} <= set(results):
        # an actor runs local-1's code (extract_many, nlp.pipe); at 2.7 M documents its
        # start-up (ray-1's extra time here) is amortized over 20,000-document windows
        per_core = results["local-1"]["steady_tokens_per_s"]
        # after the first result: what 2.7 M documents in 20,000-document windows see
        efficiency = (results["ray-2"]["steady_docs_per_s"]
                      / (2 * results["ray-1"]["steady_docs_per_s"]))
        total_tokens = BACKFILL_DOCS * abstract_tokens
        load_h = BACKFILL_DOCS * elements_per_doc / args.load_rate / 3600
        print(f"projection (not measured): {BACKFILL_DOCS:,} abstracts x "
              f"{abstract_tokens:.0f} tokens = {total_tokens / 1e6:.0f} M tokens; one actor "
              f"per core at local-1's {per_core:,.0f} tokens/s; 'linear' assumes perfect "
              f"scaling, 'at {efficiency:.2f}' the measured ray-2 / (2 x ray-1) efficiency "
              f"after the first result")
        for cores in CORES:
            linear = total_tokens / (per_core * cores) / 3600
            projection[cores] = {"linear_h": linear, "measured_efficiency_h": linear / efficiency}
            print(f"  {cores:>3} cores: extraction {linear:6.2f} h linear, "
                  f"{linear / efficiency:6.2f} h at {efficiency:.2f}")
        print(f"  load bound: {elements_per_doc:.1f} elements per document x {BACKFILL_DOCS:,} "
              f"at {args.load_rate:,.0f} el/s (one batched-MERGE writer) = {load_h:.2f} h "
              f"whatever the cores: past ~{total_tokens / per_core / 3600 / load_h:.0f} cores "
              f"the single writer, not extraction, sets the time (for an initial load the "
              f"offline importer lifts it: bench/bulk_import.py)")
    write_json(args.json, {"config": vars(args), "environment": environment(),
                           "results": results, "projection_hours": projection,
                           "abstract_tokens": abstract_tokens,
                           "elements_per_doc": elements_per_doc})
    return 0


if __name__ == "__main__":
    sys.exit(main())
