"""Where an embedded store's open time goes (issue 8: goal < 1 s at 100 k documents).

    python3 bench/open_time.py build . /tmp/s100k 100000   # a store, as open_time builds it
    python3 bench/open_breakdown.py /tmp/s100k [--repeat 3]

Times, in one process, each step of ``EmbeddedStore(path)`` then one named query:
the server process starting and loading its append-only file until the socket
answers (with the load time redis itself logs, and the server's CPU time by then —
steadier than wall time on a shared machine), connecting and setting the memory
cap, checking the schema, and the first query; then how long until every index is
built (the server builds them in the background: ``server.MODULE_ARGS``). Each
repeat opens the store twice: once answering ``search`` first (full-text: it waits
for the full-text index), once ``resolve`` first (an alias lookup: it does not
wait). Then the store's size on disk.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.store.embedded.server import LOG_NAME, EmbeddedServer  # noqa: E402
from kg.store.embedded.store import EmbeddedStore  # noqa: E402

_LOADED = re.compile(r"DB loaded from (?:append only file|disk): ([0-9.]+) seconds")
_STAMP = r"(\d\d):(\d\d):(\d\d\.\d+) \* "
_STEPS = {"read": re.compile(_STAMP + r"Reading RDB"),
          "indexes": re.compile(_STAMP + r"<module> Graph '\w+' (?:Constructing indexes"
                                         r"|Indexes are constructed in the background)"),
          "decoded": re.compile(_STAMP + r"<module> Done decoding graph")}


def _at(pattern: re.Pattern, text: str) -> float | None:
    found = pattern.findall(text)
    if not found:
        return None
    h, m, sec = found[-1]
    return int(h) * 3600 + int(m) * 60 + float(sec)


def _log_split(text: str) -> dict:
    """From the server log: decoding nodes, edges and matrices, then building the
    indexes while loading (FalkorDB keeps no index in its snapshot: every open
    rebuilds them; with DELAY_INDEXING this step is ~0 and the build follows)."""
    read, indexes, decoded = (_at(_STEPS[k], text) for k in ("read", "indexes", "decoded"))
    if None in (read, indexes, decoded):
        return {"decode_s": None, "build_indexes_s": None}
    return {"decode_s": indexes - read, "build_indexes_s": decoded - indexes}


QUERIES = {"search": {"q": "AuroraGemma"}, "resolve": {"name": "AuroraGemma-7B"}}


def _cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _all_built(store: EmbeddedStore) -> bool:
    rows = store._graph.ro_query("CALL db.indexes() YIELD status RETURN status").result_set
    return all(status == "OPERATIONAL" for (status,) in rows)


def once(data: Path, query: str) -> dict:
    log = data / LOG_NAME
    offset = log.stat().st_size if log.exists() else 0
    t0 = time.perf_counter()
    server = EmbeddedServer(data)
    server.ensure_running()  # the lease, then start the server and wait for PING
    t1 = time.perf_counter()
    cpu = _cpu_s(server.server_pid())
    store = EmbeddedStore.__new__(EmbeddedStore)  # the constructor's steps, one by one
    store.server, store._graph_name, store._compact_checked = server, "mlkg", time.monotonic()
    store._indexes_ready = False
    from falkordb import FalkorDB
    from kg.store.embedded.store import QUERY_MEMORY_BYTES
    store._db = FalkorDB(unix_socket_path=str(server.socket_path), socket_timeout=None)
    store._graph = store._db.select_graph("mlkg")
    store._db.connection.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY",
                                         QUERY_MEMORY_BYTES)
    t2 = time.perf_counter()
    store.ensure_schema()
    t3 = time.perf_counter()
    rows = store.run_query(query, QUERIES[query])
    t4 = time.perf_counter()
    again = time.perf_counter()
    store.run_query(query, QUERIES[query])
    t5 = time.perf_counter()
    while not _all_built(store):
        time.sleep(0.02)
    t6 = time.perf_counter()
    store.close()
    text = log.read_text(errors="replace")[offset:] if log.exists() else ""
    logged = _LOADED.findall(text)
    return {"server_up_s": t1 - t0, "server_cpu_at_up_s": cpu,
            "redis_logged_load_s": float(logged[-1]) if logged else None,
            **_log_split(text),
            "connect_s": t2 - t1, "schema_s": t3 - t2, f"first_{query}_s": t4 - t3,
            f"second_{query}_s": t5 - again, f"open_and_{query}_s": t4 - t0,
            f"all_indexes_built_s ({query} run)": t6 - t0, "_rows": len(rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    runs = {query: [] for query in QUERIES}
    for _ in range(args.repeat):
        for query in QUERIES:
            runs[query].append(once(args.store, query))
            time.sleep(1.0)  # the last holder's stop (and AOF compaction) has finished
    size = sum(p.stat().st_size for p in (args.store / "appendonlydir").glob("*"))
    print(f"store {args.store}: AOF {size / 1e6:,.1f} MB; median of {args.repeat} opens each")
    for query, done in runs.items():
        print(f" {query} first ({done[0]['_rows']} rows):")
        for key in done[0]:
            values = [r[key] for r in done if r[key] is not None]
            if values and not key.startswith("_"):
                print(f"  {key:<36} {statistics.median(values) * 1000:>9,.0f} ms")


if __name__ == "__main__":
    main()
