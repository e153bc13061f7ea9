"""Load throughput: the project's batched upsert vs a naive one-row-per-query baseline.

    python3 bench/load.py --store both                     # 100 k entities + 300 k relations
    python3 bench/load.py --store embedded --entities 20000 --relations 60000 --json out.json

For each store (started fresh in a temp dir):

* naive (on a sample, default 5 k entities + 15 k relations): every statement
  that ``store.upsert`` would run, but one row per query — ``UNWIND $rows AS row``
  becomes ``WITH $row AS row``, so each entity is one ``MERGE (n:Label {key: …})
  SET …``, each alias one ``MATCH … MERGE (a:Alias …) MERGE (a)-[:ALIAS_OF]->(n)``,
  each relation one ``MATCH (h) MATCH (t) MERGE (h)-[r:T]->(t) SET …``, each in its
  own transaction / round trip (``store.write``);
* batched on the same sample (``store.upsert``, ``--batch-size`` rows per statement);
* batched at full size (``--entities`` / ``--relations``).

The store is cleared between runs. Rates are elements/s where an element is an
entity or a relation edge (the alias, source and mention writes that come with
them are included in the time, not in the count). Only the write calls are
timed, not the generator. Server peak RSS is sampled from /proc/PID/status
(VmRSS, every 0.2 s) per phase; VmHWM and the client's ru_maxrss are lifetime peaks.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (add_store_arguments, client_maxrss_mb, log, median, open_store,
                    RssSampler, run_per_store, server_hwm_mb, table, write_json)  # noqa: E402
from generate import GenConfig, GraphGenerator  # noqa: E402

from kg.store.base import utc_now  # noqa: E402
from kg.store.writes import batch_statements  # noqa: E402

UNWIND = "UNWIND $rows AS row"


def naive_statement(query: str) -> str:
    assert UNWIND in query, query
    return query.replace(UNWIND, "WITH $row AS row", 1)


def count_elements(batch) -> int:
    edges = {(r.type, r.head.key, r.tail.key) for r in batch.relations}
    return len({(e.label, e.key) for e in batch.entities}) + len(edges)


def run_batched(store, gen: GraphGenerator, batch_size: int) -> dict:
    elapsed, elements, statements = 0.0, 0, 0
    seen = utc_now()
    for batch in gen.batches():
        elements += count_elements(batch)
        t0 = time.perf_counter()
        store.upsert(batch, seen=seen, batch_size=batch_size)
        elapsed += time.perf_counter() - t0
    return {"seconds": elapsed, "elements": elements, "rate": elements / elapsed}


def run_naive(store, gen: GraphGenerator) -> dict:
    elapsed, elements, statements = 0.0, 0, 0
    seen = utc_now()
    for batch in gen.batches():
        elements += count_elements(batch)
        t0 = time.perf_counter()
        for query, rows in batch_statements(batch, seen, 2000):
            single = naive_statement(query)
            for row in rows:
                store.write(single, {"row": row})
                statements += 1
        elapsed += time.perf_counter() - t0
    return {"seconds": elapsed, "elements": elements, "rate": elements / elapsed,
            "statements": statements}


def bench_store(name: str, args) -> dict:
    sample_cfg = GenConfig(entities=args.sample_entities, relations=args.sample_relations,
                           seed=args.seed)
    full_cfg = GenConfig(entities=args.entities, relations=args.relations, seed=args.seed)
    out: dict = {"store": name}
    with open_store(name, heap=args.heap) as rs:
        store = rs.store
        log(f"{name}: server pid {rs.server_pid}, started in {rs.startup_s:.1f}s")

        def phase(label, fn, repeats):
            runs = []
            with RssSampler(rs.server_pid) as mem:
                for k in range(repeats):
                    store.clear()
                    res = fn()
                    runs.append(res)
                    log(f"{name} {label} run {k + 1}/{repeats}: {res['elements']:,} elements "
                        f"in {res['seconds']:.1f}s = {res['rate']:,.0f}/s")
            counts = store.counts()
            return {"runs": runs, "median_rate": median([r["rate"] for r in runs]),
                    "median_seconds": median([r["seconds"] for r in runs]),
                    "elements": runs[0]["elements"], "nodes_edges_after": counts,
                    "peak_server_rss_mb": mem.peak_server_mb,
                    "peak_client_rss_mb": mem.peak_client_mb}

        if args.naive_repeats:
            out["naive_sample"] = phase("naive sample",
                                        lambda: run_naive(store, GraphGenerator(sample_cfg)),
                                        args.naive_repeats)
        out["batched_sample"] = phase("batched sample",
                                      lambda: run_batched(store, GraphGenerator(sample_cfg),
                                                          args.batch_size),
                                      args.sample_repeats)
        if args.full_repeats:
            out["batched_full"] = phase("batched full",
                                        lambda: run_batched(store, GraphGenerator(full_cfg),
                                                            args.batch_size),
                                        args.full_repeats)
        out["server_hwm_mb"] = server_hwm_mb(rs.server_pid)
        out["client_maxrss_mb"] = client_maxrss_mb()
        store.clear()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=300_000)
    ap.add_argument("--sample-entities", type=int, default=5_000)
    ap.add_argument("--sample-relations", type=int, default=15_000)
    ap.add_argument("--naive-repeats", type=int, default=1)
    ap.add_argument("--sample-repeats", type=int, default=3)
    ap.add_argument("--full-repeats", type=int, default=1)
    add_store_arguments(ap)
    args = ap.parse_args(argv)

    results = run_per_store(args, bench_store)

    rows = []
    for name, r in results["stores"].items():
        naive = r.get("naive_sample", {}).get("median_rate", float("nan"))
        bs = r["batched_sample"]["median_rate"]
        full = r.get("batched_full", {}).get("median_rate", float("nan"))
        r["ratio_sample"] = bs / naive if naive == naive else None
        r["ratio_full_vs_naive"] = full / naive if naive == naive and full == full else None
        rows.append([name, naive, bs, full, r["ratio_sample"] or float("nan"),
                     r["ratio_full_vs_naive"] or float("nan"),
                     r.get("batched_full", r["batched_sample"])["peak_server_rss_mb"],
                     r["server_hwm_mb"] or float("nan"), r["client_maxrss_mb"]])
    print()
    print(f"sample: {args.sample_entities:,} entities + {args.sample_relations:,} relations; "
          f"full: {args.entities:,} + {args.relations:,}; batch size {args.batch_size}; "
          f"elements/s = (entities + relation edges) / s, medians")
    print(table(["store", "naive el/s (sample)", "batched el/s (sample)", "batched el/s (full)",
                 "batched/naive (sample)", "batched full/naive", "server peak RSS MB (full)",
                 "server VmHWM MB", "client maxrss MB"], rows))
    if len(results["stores"]) == 2:
        e, n = results["stores"]["embedded"], results["stores"]["neo4j"]
        key = "batched_full" if "batched_full" in e and "batched_full" in n else "batched_sample"
        print(f"embedded/neo4j batched throughput ({key}): "
              f"{e[key]['median_rate'] / n[key]['median_rate']:.2f}x")
    write_json(args.json_out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
