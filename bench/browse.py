"""Browse-page query latency (``queries/browse.cypher``, issue 10) on a generated
graph, on the embedded store:

    python3 bench/browse.py                 # 10 000 libraries
    python3 bench/browse.py --libraries 50000

Loads LIBRARIES libraries, LIBRARIES/5 architectures, 200 organizations and 3 000
dated sources; each library IMPLEMENTS one architecture, is DEVELOPED_BY one
organization and every third is BUILT_ON another library, each fact from a random
source. Then times ``browse`` once per filter set (the browse page asks once per view).
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time

from kg.models import Entity, EntityRef, Evidence, GraphBatch, Relation, SourceDoc
from kg.store.embedded.store import EmbeddedStore

VIEWS = [{"label": "Library"}, {"label": "Library", "organization": "org007"},
         {"label": "Library", "has": "BUILT_ON:out", "sort": "recent"},
         {"label": "Architecture", "year": "2020"}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libraries", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(1)
    libs = [Entity("Library", f"lib{i:06d}") for i in range(args.libraries)]
    archs = [Entity("Architecture", f"arch{i:05d}") for i in range(args.libraries // 5)]
    orgs = [Entity("Organization", f"org{i:03d}") for i in range(200)]
    sources = [SourceDoc(f"s{i}", "newsletter", f"https://e.org/{i}",
                         f"20{rng.randint(15, 25)}-01-01", f"h{i}", f"t{i}") for i in range(3000)]

    def fact(rel: str, head: Entity, tail: Entity) -> Relation:
        return Relation(rel, EntityRef.of(head), EntityRef.of(tail),
                        Evidence(rng.choice(sources).id, "x", "bench", "1", 0.9))
    rels = []
    for i, lib in enumerate(libs):
        rels += [fact("IMPLEMENTS", lib, rng.choice(archs)),
                 fact("DEVELOPED_BY", lib, rng.choice(orgs))]
        if i % 3 == 0:
            rels.append(fact("BUILT_ON", lib, rng.choice(libs)))
    store = EmbeddedStore(tempfile.mkdtemp(prefix="mlkg-bench-browse-"))
    try:
        started = time.perf_counter()
        store.upsert(GraphBatch(sources=sources, entities=libs + archs + orgs, relations=[],
                                mentions=[]))
        for k in range(0, len(rels), 5000):
            store.upsert(GraphBatch(sources=[], entities=[], relations=rels[k:k + 5000],
                                    mentions=[]))
        print(f"loaded {len(libs) + len(archs) + len(orgs)} entities, {len(rels)} relations "
              f"in {time.perf_counter() - started:.1f} s")
        for view in VIEWS:
            started = time.perf_counter()
            rows = store.run_query("browse", view)
            print(f"{view}: {len(rows)} rows in {time.perf_counter() - started:.2f} s")
    finally:
        store.stop_server()


if __name__ == "__main__":
    main()
