"""Named-query latency on a large generated graph, both stores side by side.

    python3 bench/query.py --store both                           # 1 M entities / 3 M relations
    python3 bench/query.py --store both --nodes 300000 --edges 900000 --json q.json

For each store (fresh, in a temp dir): bulk-load a generated graph with the
batched ``store.upsert`` (``bench/generate.py``; ``--nodes`` entities, ``--edges``
relation edges, plus their Alias nodes, sources and mentions), then time
``store.run_query`` for ``implementations`` and ``upstream`` over ``--queries``
random names (implementations: architectures — half from the popular head —
and papers; upstream: libraries and architectures from the upper BUILT_ON
levels; ``--miss-rate`` misses and some aliases), after ``--warmup`` untimed
queries with other names. The timed pass is repeated ``--rounds`` times; p50/p99
are per round and the table shows their medians.

Afterwards the slowest names of each query are PROFILEd (Neo4j: db hits and
rows per operator; FalkorDB: GRAPH.PROFILE) and, for upstream, the number of
BUILT_ON paths vs distinct upstream nodes is counted, to show whether the
variable-length expansion explodes.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (add_store_arguments, client_maxrss_mb, log, median, open_store,
                    percentile, RssSampler, run_per_store, server_hwm_mb, table, write_json)  # noqa: E402
from generate import GenConfig, GraphGenerator  # noqa: E402

import queries as named_queries  # noqa: E402
from kg.keys import normalize_name  # noqa: E402
from kg.store.base import utc_now  # noqa: E402

QUERIES = ("implementations", "upstream")
GOALS_MS = {"implementations": 20.0, "upstream": 100.0}

PATHS_VS_NODES = """
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(start:Entity)
MATCH p = (start)-[:BUILT_ON*1..10]->(up:Entity)
RETURN count(p) AS paths, count(DISTINCT up) AS nodes, max(length(p)) AS max_depth,
       count(DISTINCT start) AS starts
"""


def load(store, gen: GraphGenerator, batch_size: int) -> dict:
    t_upsert, elements, batches = 0.0, 0, 0
    seen = utc_now()
    t_all = time.perf_counter()
    last = t_all
    for batch in gen.batches():
        elements += len(batch.entities) + len({(r.type, r.head.key, r.tail.key)
                                               for r in batch.relations})
        t0 = time.perf_counter()
        store.upsert(batch, seen=seen, batch_size=batch_size)
        t_upsert += time.perf_counter() - t0
        batches += 1
        if time.perf_counter() - last > 60:
            last = time.perf_counter()
            log(f"  loaded {elements:,} elements ({elements / t_upsert:,.0f}/s)")
    return {"upsert_seconds": t_upsert, "wall_seconds": time.perf_counter() - t_all,
            "elements": elements, "rate": elements / t_upsert}


def params_for(name: str, value: str) -> dict:
    return {"name": value}


def time_queries(store, query: str, names: list[str]) -> tuple[list[float], list[int]]:
    lat, rows = [], []
    for value in names:
        t0 = time.perf_counter()
        result = store.run_query(query, params_for(query, value))
        lat.append((time.perf_counter() - t0) * 1000)
        rows.append(len(result))
    return lat, rows


def rendered(store, query: str, value: str) -> tuple[str, dict]:
    q = named_queries.get(query)
    params = {"name": value, "name_key": normalize_name(value)}
    for key, default in q.optional.items():
        params[key] = int(default) if default.lstrip("-").isdigit() else default
    return q.render(store.fragments), params


def profile(rs, query: str, value: str) -> dict:
    """Operator-level profile of one named query for one name."""
    store = rs.store
    cypher, params = rendered(store, query, value)
    out: dict = {"name": value}
    t0 = time.perf_counter()
    if rs.name == "neo4j":
        with store._session("READ") as session:
            result = session.run("PROFILE " + cypher, params)
            list(result)  # a large result must be fetched before its profile exists
            summary = result.consume()
        ops = []

        def walk(plan, depth=0):
            args = plan.get("args", {}) if isinstance(plan, dict) else plan.arguments
            op = plan.get("operatorType") if isinstance(plan, dict) else plan.operator_type
            ops.append(f"{'  ' * depth}{op} rows={args.get('Rows')} dbHits={args.get('DbHits')} "
                       f"{str(args.get('Details', ''))[:90]}")
            for child in (plan.get("children", []) if isinstance(plan, dict) else plan.children):
                walk(child, depth + 1)
        walk(summary.profile)
        out["plan"] = ops
    else:
        plan = store._graph.profile(cypher, params)
        out["plan"] = [line.decode() if isinstance(line, bytes) else str(line)
                       for line in plan.plan]
    out["profile_ms"] = (time.perf_counter() - t0) * 1000
    if query == "upstream":
        out["paths_vs_nodes"] = store.read(PATHS_VS_NODES, {"name_key": normalize_name(value)})[0]
    return out


def bench_store(name: str, args) -> dict:
    cfg = GenConfig(entities=args.nodes, relations=args.edges, seed=args.seed)
    gen = GraphGenerator(cfg)
    out: dict = {"store": name}
    with open_store(name, heap=args.heap) as rs:
        store = rs.store
        log(f"{name}: server pid {rs.server_pid}; loading {args.nodes:,} entities + "
            f"{args.edges:,} relations")
        with RssSampler(rs.server_pid, interval=1.0) as mem:
            out["load"] = load(store, gen, args.batch_size)
        out["load"]["peak_server_rss_mb"] = mem.peak_server_mb
        out["load"]["peak_client_rss_mb"] = mem.peak_client_mb
        nodes, edges = store.counts()
        out["graph"] = {"nodes": nodes, "edges": edges}
        log(f"{name}: loaded {out['load']['elements']:,} elements in "
            f"{out['load']['upsert_seconds']:.0f}s ({out['load']['rate']:,.0f}/s); "
            f"store holds {nodes:,} nodes / {edges:,} edges (incl. Alias, Source, MENTIONS)")

        out["queries"] = {}
        with RssSampler(rs.server_pid) as qmem:
            for query in QUERIES:
                names = gen.query_names(query, args.queries, miss_rate=args.miss_rate)
                warm = gen.query_names(query, args.warmup, seed=99, miss_rate=args.miss_rate)
                time_queries(store, query, warm)
                rounds = []
                for k in range(args.rounds):
                    lat, rows = time_queries(store, query, names)
                    rounds.append({"p50": percentile(lat, 50), "p90": percentile(lat, 90),
                                   "p99": percentile(lat, 99), "max": max(lat),
                                   "mean": sum(lat) / len(lat)})
                    log(f"{name} {query} round {k + 1}: p50 {rounds[-1]['p50']:.2f} ms, "
                        f"p99 {rounds[-1]['p99']:.2f} ms, max {rounds[-1]['max']:.1f} ms")
                slowest = sorted(zip(lat, names, rows), reverse=True)[:args.profile_top]
                res = {key: median([r[key] for r in rounds]) for key in rounds[0]}
                res.update({"rounds": rounds, "names": len(names),
                            "mean_rows": sum(rows) / len(rows),
                            "empty_share": sum(1 for r in rows if r == 0) / len(rows),
                            "max_rows": max(rows),
                            "slowest": [{"ms": ms, "name": n, "rows": r} for ms, n, r in slowest]})
                res["profiles"] = []
                for ms, value, r in slowest:
                    try:
                        res["profiles"].append(profile(rs, query, value))
                    except Exception as exc:  # a profile must not sink the benchmark
                        res["profiles"].append({"name": value, "error": repr(exc)})
                out["queries"][query] = res
        out["query_peak_server_rss_mb"] = qmem.peak_server_mb
        out["server_hwm_mb"] = server_hwm_mb(rs.server_pid)
        out["client_maxrss_mb"] = client_maxrss_mb()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=1_000_000, help="entities to generate")
    ap.add_argument("--edges", type=int, default=3_000_000, help="relation edges to generate")
    ap.add_argument("--queries", type=int, default=1000, help="names per query")
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--miss-rate", type=float, default=0.1)
    ap.add_argument("--profile-top", type=int, default=3, help="slowest names to PROFILE")
    add_store_arguments(ap)
    args = ap.parse_args(argv)

    results = run_per_store(args, bench_store)

    print()
    print(f"graph: {args.nodes:,} entities + {args.edges:,} relation edges (seed {args.seed}); "
          f"{args.queries} names/query, {args.warmup} warm-up, medians of {args.rounds} rounds")
    rows = []
    for name, r in results["stores"].items():
        ld = r["load"]
        rows.append([name, r["graph"]["nodes"], r["graph"]["edges"], ld["upsert_seconds"],
                     ld["rate"], ld["peak_server_rss_mb"], r["server_hwm_mb"] or float("nan"),
                     r["client_maxrss_mb"]])
    print(table(["store", "nodes", "edges", "load s", "load el/s", "server peak RSS MB",
                 "server VmHWM MB", "client maxrss MB"], rows))
    rows = []
    for query in QUERIES:
        for name, r in results["stores"].items():
            q = r["queries"][query]
            rows.append([query, name, q["p50"], q["p90"], q["p99"], q["max"], q["mean_rows"],
                         q["empty_share"], f"< {GOALS_MS[query]:.0f}",
                         "yes" if q["p99"] < GOALS_MS[query] else "NO"])
    print(table(["query", "store", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean rows",
                 "empty share", "p99 goal ms", "met"], rows))
    if len(results["stores"]) == 2:
        e, n = results["stores"]["embedded"], results["stores"]["neo4j"]
        for query in QUERIES:
            r50 = n["queries"][query]["p50"] / e["queries"][query]["p50"]
            r99 = n["queries"][query]["p99"] / e["queries"][query]["p99"]
            results.setdefault("ratios", {})[query] = {"neo4j_over_embedded_p50": r50,
                                                       "neo4j_over_embedded_p99": r99}
            print(f"{query}: neo4j/embedded p50 {r50:.2f}x, p99 {r99:.2f}x")
    for name, r in results["stores"].items():
        for query in QUERIES:
            q = r["queries"][query]
            for p in q["profiles"][:1]:
                print(f"\n-- {name} {query}: slowest name {p['name']!r} "
                      f"({q['slowest'][0]['ms']:.1f} ms, {q['slowest'][0]['rows']} rows)")
                if "paths_vs_nodes" in p:
                    print(f"   BUILT_ON paths vs nodes: {p['paths_vs_nodes']}")
                for line in p.get("plan", [])[:25]:
                    print("   " + line)
                if "error" in p:
                    print("   profile failed:", p["error"])
    write_json(args.json_out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
