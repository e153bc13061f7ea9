"""Initial load into Neo4j: the offline importer vs batched MERGE, on the same graph.

    python3 bench/bulk_import.py                                  # 100 k entities + 300 k relations
    python3 bench/bulk_import.py --entities 300000 --relations 900000 --merge-repeats 2
                                                                  # 1.08 M nodes in Neo4j

1. batched MERGE: ``store.upsert`` (``UNWIND $rows … MERGE``, ``--batch-size`` rows a
   statement) of the generated graph (``bench/generate.py``) into a fresh Neo4j 5.26
   (the Maven-built test server), ``--merge-repeats`` times, a new server each time;
2. ``kg export --format neo4j-import`` of the loaded store (timed, not compared);
3. the offline importer, ``neo4j-admin database import full`` (``tools/neo4j_server.py
   import``: the JVM's start included), into a new database, ``--repeats`` times;
   then Neo4j started on the imported database, mlkg's constraints and indexes
   created (``ensure_schema``, timed: the importer builds none) and the node/edge
   counts checked against the MERGE-loaded store.

Elements are entities + relation edges (as in ``bench/load.py``); both paths also
write the aliases, sources and mentions that come with them. Prints medians and the
import/MERGE ratio (with and without the schema step).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import _neo4j_server_module, environment, log, median, open_store, write_json  # noqa: E402
from generate import GenConfig, GraphGenerator  # noqa: E402
from load import run_batched  # noqa: E402

from kg.export.neo4j_import import export_neo4j_import, finish_import  # noqa: E402
from kg.store.neo4j.store import Neo4jStore  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--merge-repeats", type=int, default=None,
                    help="MERGE runs (default --repeats)")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    cfg = GenConfig(entities=args.entities, relations=args.relations, seed=args.seed)
    server_module = _neo4j_server_module()
    work = Path(tempfile.mkdtemp(prefix="mlkg-bench-bulk-"))
    out: dict = {"config": vars(args), "environment": environment()}
    try:
        merges = []
        merge_runs = args.merge_repeats or args.repeats
        for k in range(merge_runs):
            # a fresh server per run (its start outside the clock): clearing a 1 M-node
            # graph in place outgrows the test server's transaction memory pool
            with open_store("neo4j", heap=args.heap) as rs:
                res = run_batched(rs.store, GraphGenerator(cfg), args.batch_size)
                merges.append(res)
                log(f"MERGE run {k + 1}: {res['elements']:,} elements in "
                    f"{res['seconds']:.1f}s = {res['rate']:,.0f}/s")
                if k < merge_runs - 1:
                    continue
                counts = rs.store.counts()
                t0 = time.perf_counter()
                exported = export_neo4j_import(rs.store, work / "csv")
                export_s = time.perf_counter() - t0
                log(f"export: {exported['nodes']:,} nodes, {exported['relationships']:,} "
                    f"relationships in {export_s:.1f}s")
        elements = merges[0]["elements"]
        imports, schemas = [], []
        for k in range(args.repeats):
            home = work / f"home-{k}"
            seconds = server_module.import_csv(work / "csv", home, heap=args.heap)
            imports.append(seconds)
            server = server_module.start(data_dir=home, heap=args.heap)
            try:
                t0 = time.perf_counter()
                store = Neo4jStore(server.uri)      # creates constraints and indexes
                schemas.append(time.perf_counter() - t0)
                finish_import(store)
                got = store.counts()
                store.close()
            finally:
                server.stop()
            if got != counts:
                raise SystemExit(f"imported graph has {got} nodes/edges, MERGE gave {counts}")
            shutil.rmtree(home, ignore_errors=True)
            log(f"import run {k + 1}: {elements:,} elements in {seconds:.1f}s = "
                f"{elements / seconds:,.0f}/s; schema {schemas[-1]:.1f}s")
        merge_rate = median([m["rate"] for m in merges])
        import_rate = elements / median(imports)
        with_schema = elements / median([i + s for i, s in zip(imports, schemas)])
        out.update({"elements": elements, "nodes_edges": counts, "merge": merges,
                    "export_seconds": export_s, "import_seconds": imports,
                    "schema_seconds": schemas, "merge_rate": merge_rate,
                    "import_rate": import_rate, "import_with_schema_rate": with_schema,
                    "ratio": import_rate / merge_rate,
                    "ratio_with_schema": with_schema / merge_rate})
        print(f"graph: {args.entities:,} entities + {args.relations:,} relations = "
              f"{elements:,} elements; {counts[0]:,} nodes, {counts[1]:,} edges in Neo4j")
        print(f"batched MERGE   : {merge_rate:,.0f} el/s (median of {len(merges)}, "
              f"{median([m['seconds'] for m in merges]):.1f} s)")
        print(f"offline import  : {import_rate:,.0f} el/s (median of {len(imports)}, "
              f"{median(imports):.1f} s, JVM start included)")
        print(f"import + schema : {with_schema:,.0f} el/s "
              f"(+ {median(schemas):.1f} s constraints and indexes)")
        print(f"import/MERGE    : {import_rate / merge_rate:.1f}x "
              f"({with_schema / merge_rate:.1f}x with the schema step); "
              f"export took {export_s:.1f} s")
        write_json(args.json, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
