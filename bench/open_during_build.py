"""Are answers right while a freshly opened embedded store still builds its indexes?

    python3 bench/open_time.py build . /tmp/s100k 100000   # a store, as open_time builds it
    python3 bench/open_during_build.py /tmp/s100k

The server answers once the graph is decoded and builds its indexes afterwards
(``kg.store.embedded.server.MODULE_ARGS``). On a copy of the store (the original is
not touched), this opens ``EmbeddedStore`` and at once runs named queries for
entities and aliases sampled from the graph — lookups that scan while their index
is missing, and ``search``, which waits for the full-text index — timing each; it
rewrites the AOF while indexes are still being built; then, once every index is
built, runs the same queries again and compares the rows. Finally it reopens the
copy (the snapshot taken mid-build), checks the indexes and constraints are all
there, and times a write made at once (writes wait for every index).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.models import Entity, GraphBatch, SourceDoc  # noqa: E402
from kg.schema import Label  # noqa: E402
from kg.store.embedded.store import EmbeddedStore  # noqa: E402


def _building(store: EmbeddedStore) -> list[str]:
    rows = store._graph.ro_query("CALL db.indexes() YIELD label, status "
                                 "RETURN label, status").result_set
    return sorted(label for label, status in rows if status != "OPERATIONAL")


def _sample(store: EmbeddedStore, count: int) -> tuple[list, list]:
    """Entities and alias norms spread over the graph (leaf scans: no index needed)."""
    entities = store.read("MATCH (n:Entity) WHERE id(n) % 9973 = 17 "
                          "RETURN n.name AS name, n.label AS label, n.key AS key "
                          "LIMIT $n", {"n": count})
    aliases = store.read("MATCH (a:Alias) WHERE id(a) % 7919 = 3 RETURN a.norm AS norm "
                         "LIMIT $n", {"n": count})
    return entities, [a["norm"] for a in aliases]


def _probes(entities: list, aliases: list) -> list[tuple[str, dict]]:
    probes = []
    for e in entities:
        probes += [("resolve", {"name": e["name"]}), ("mentions", {"name": e["name"]}),
                   ("implementations", {"name": e["name"]}), ("developers", {"name": e["name"]}),
                   ("entity", {"label": e["label"], "key": e["key"]}),
                   ("entity_relations", {"label": e["label"], "key": e["key"]}),
                   ("search", {"q": e["name"].split(":")[0]})]
    probes += [("resolve", {"name": norm}) for norm in aliases]
    probes += [("neighbors", {"name": e["name"]}) for e in entities[:2]]
    return probes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--sample", type=int, default=10)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mlkg-open-during-build-"))
    data = work / "store"
    data.mkdir(mode=0o700)
    shutil.copytree(args.store / "appendonlydir", data / "appendonlydir")
    try:
        started = time.perf_counter()
        store = EmbeddedStore(data)
        print(f"opened in {time.perf_counter() - started:.2f} s; building: {_building(store)}")
        client = redis.Redis(unix_socket_path=str(store.server.socket_path))
        client.bgrewriteaof()  # a snapshot taken while indexes are being built
        entities, aliases = _sample(store, args.sample)
        probes = _probes(entities, aliases)
        during, times = [], {}
        for name, params in probes:
            t = time.perf_counter()
            during.append(store.run_query(name, params))
            times.setdefault(name, []).append(time.perf_counter() - t)
        print(f"{len(probes)} queries in {time.perf_counter() - started:.1f} s since opening; "
              f"still building: {_building(store)}")
        for name, spent in times.items():
            print(f"  {name:<17} {len(spent):>3} queries, max {max(spent):6.2f} s, "
                  f"total {sum(spent):6.2f} s")
        while _building(store):
            time.sleep(0.1)
        print(f"every index built {time.perf_counter() - started:.1f} s after opening")
        after = [store.run_query(name, params) for name, params in probes]
        differ = [(name, params) for (name, params), a, b in zip(probes, during, after) if a != b]
        print(f"rows differing between during and after the build: {len(differ)} of "
              f"{len(probes)} {differ[:3]}; searches with rows: "
              f"{sum(1 for (n, _), rows in zip(probes, after) if n == 'search' and rows)}")
        while client.info("persistence")["aof_rewrite_in_progress"]:
            time.sleep(0.05)
        client.close()
        store.close()
        store = EmbeddedStore(data)  # from the snapshot taken mid-build
        indexes, constraints = store._existing_indexes(), store._constraints()
        print(f"reopened: {len(indexes)} indexed fields, {len(constraints)} constraints "
              f"{sorted({c['status'] for c in constraints})}")
        known = next(e for e in entities if e["label"] != "Paper")  # key = its name
        t = time.perf_counter()
        store.upsert(GraphBatch(sources=[SourceDoc("bench-during-build", "newsletter", None,
                                                   None, "h")],
                                entities=[Entity(Label(known["label"]), known["name"],
                                                 aliases=["during build alias"])]))
        count = store.read(f"MATCH (n:{Label(known['label'])} {{key: $k}}) RETURN count(n) AS c",
                           {"k": known["key"]})[0]["c"]
        print(f"a write at once waited {time.perf_counter() - t:.1f} s; "
              f"{known['label']} nodes with key {known['key']!r}: {count}")
        store.close()
        log = (data / "falkordb.log").read_text(errors="replace")
        print(f"server log: CRITICAL {'CRITICAL' in log}, "
              f"'already exists' {'already exists' in log}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
