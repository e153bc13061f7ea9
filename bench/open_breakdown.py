"""Where an embedded store's open time goes (issue 8: goal < 1 s at 100 k documents).

    python3 bench/open_time.py build . /tmp/s100k 100000   # a store, as open_time builds it
    python3 bench/open_breakdown.py /tmp/s100k [--repeat 3]

Times, in one process, each step of ``EmbeddedStore(path)`` then one named query:
the server process starting and loading its append-only file until the socket
answers (with the load time redis itself logs), connecting and setting the memory
cap, checking the schema, and the first ``search``; then the store's size on disk.
"""
from __future__ import annotations

import argparse
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
          "indexes": re.compile(_STAMP + r"<module> Graph '\w+' Constructing indexes"),
          "decoded": re.compile(_STAMP + r"<module> Done decoding graph")}


def _at(pattern: re.Pattern, text: str) -> float | None:
    found = pattern.findall(text)
    if not found:
        return None
    h, m, sec = found[-1]
    return int(h) * 3600 + int(m) * 60 + float(sec)


def _log_split(text: str) -> dict:
    """From the server log: decoding nodes, edges and matrices, then building the
    indexes (FalkorDB keeps no index in its snapshot: every open rebuilds them)."""
    read, indexes, decoded = (_at(_STEPS[k], text) for k in ("read", "indexes", "decoded"))
    if None in (read, indexes, decoded):
        return {"decode_s": None, "build_indexes_s": None}
    return {"decode_s": indexes - read, "build_indexes_s": decoded - indexes}


def once(data: Path) -> dict:
    log = data / LOG_NAME
    offset = log.stat().st_size if log.exists() else 0
    t0 = time.perf_counter()
    server = EmbeddedServer(data)
    server.ensure_running()  # the lease, then start the server and wait for PING
    t1 = time.perf_counter()
    store = EmbeddedStore.__new__(EmbeddedStore)  # the constructor's steps, one by one
    store.server, store._graph_name, store._compact_checked = server, "mlkg", time.monotonic()
    from falkordb import FalkorDB
    from kg.store.embedded.store import QUERY_MEMORY_BYTES
    store._db = FalkorDB(unix_socket_path=str(server.socket_path), socket_timeout=None)
    store._graph = store._db.select_graph("mlkg")
    store._db.connection.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY",
                                         QUERY_MEMORY_BYTES)
    t2 = time.perf_counter()
    store.ensure_schema()
    t3 = time.perf_counter()
    store.run_query("search", {"q": "former"})
    t4 = time.perf_counter()
    again = time.perf_counter()
    store.run_query("search", {"q": "former"})
    t5 = time.perf_counter()
    store.close()
    text = log.read_text(errors="replace")[offset:] if log.exists() else ""
    logged = _LOADED.findall(text)
    return {"server_up_s": t1 - t0, "redis_logged_load_s": float(logged[-1]) if logged else None,
            **_log_split(text),
            "connect_s": t2 - t1, "schema_s": t3 - t2, "first_query_s": t4 - t3,
            "second_query_s": t5 - again, "total_s": t4 - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    runs = []
    for _ in range(args.repeat):
        runs.append(once(args.store))
        time.sleep(1.0)  # the last holder's stop (and AOF compaction) has finished
    size = sum(p.stat().st_size for p in (args.store / "appendonlydir").glob("*"))
    print(f"store {args.store}: AOF {size / 1e6:,.1f} MB; median of {len(runs)} opens")
    for key in runs[0]:
        values = [r[key] for r in runs if r[key] is not None]
        if values:
            print(f"  {key:<20} {statistics.median(values) * 1000:>9,.0f} ms")


if __name__ == "__main__":
    main()
