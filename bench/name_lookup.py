"""Plans and warm latency of the named queries that start from a name (Alias) lookup,
on an existing embedded store (e.g. one built by ``bench/open_time.py build``).

    python bench/name_lookup.py /tmp/ot100k [query,query,...]

For each query: the leaf operators of FalkorDB's GRAPH.EXPLAIN plan (the one that
should be ``Node By Index Scan | (…:Alias)``), the row count and the median of 5
timed runs after one warm-up, with every index built. Keep another process holding
the store open between runs so the server (and its indexes) stays warm.
"""
from __future__ import annotations

import statistics
import sys
import time

from kg.store import open_store

NAME = "AuroraGemma"
CASES = [(q, {"name": NAME}) for q in (
    "neighbors", "implementations", "developers", "authors", "datasets", "downstream",
    "upstream", "introduced_in", "mentions", "resolve")]
CASES += [("releases", {"organization": "Vertex Labs"}),
          ("path", {"from": NAME, "to": "OrionNet"})]


def main() -> None:
    store = open_store(sys.argv[1])
    store._await_indexes()
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    read, seen = store.read, {}

    def capture(query, params=None, **kw):
        seen["query"], seen["params"] = query, params
        return read(query, params, **kw)
    store.read = capture
    for name, params in CASES:
        if only and name not in only:
            continue
        rows = store.run_query(name, params)
        plan = str(store._call("explain", seen["query"], seen["params"]))
        leaves = [line.strip() for line in plan.splitlines() if "Scan" in line]
        times = []
        for _ in range(5):
            start = time.perf_counter()
            store.run_query(name, params)
            times.append(time.perf_counter() - start)
        print(f"{name:16} rows {len(rows):5}  median {statistics.median(times) * 1000:8.1f} ms"
              f"  {' ; '.join(leaves)}")
    store.close()


if __name__ == "__main__":
    main()
