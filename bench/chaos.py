"""Kill ``kg ingest`` with SIGKILL at random moments, re-run it to the end, and
count the runs whose graph is exactly a clean run's (issue 13's convergence figure).

    python3 bench/chaos.py --store embedded --kills 25
    python3 bench/chaos.py --store neo4j --kills 25 --heap 1g --docs 120
    python3 bench/chaos.py --store embedded --kills 5 --target server   # kill FalkorDB

For each kill: clear the store, start ``kg ingest --input CORPUS --batch-docs 5``,
wait until its first chunk is being written, SIGKILL it after a further seeded random
delay, run it again to completion, and compare every node, edge and property
(timestamps aside) with the clean run's. The delay is drawn over the clean run's
writing span (first chunk to exit), a third of them inside its first second, where
the probe's divergent kills were; ``--docs N`` uses the corpus's first N lines (a
shorter run per kill); ``--kills`` counts kills that landed (a run that
finished before its kill time is drawn again, and reported). With ``--target
server`` the embedded FalkorDB server is killed instead; the ingest then fails, and
the re-run starts a new server from the append-only file. Prints how many
converged and, for those that did not, the node/edge counts.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, add_store_arguments, log, open_store, run_per_store, table

sys.path.insert(0, str(ROOT / "tests"))
from graph_dump import dump_graph  # noqa: E402

CORPUS = ROOT / "examples" / "corpus" / "arxiv-potw.jsonl"


def _dump(store) -> list[str]:
    return dump_graph(store, ignore=("first_seen", "last_seen", "at"), unordered_support=True)


def _sources(store) -> dict:
    rows = store.read("MATCH (s:Source) RETURN s.status AS status, count(*) AS n")
    return {r["status"]: r["n"] for r in rows}


def _reopen(store):
    """A new client (and server, from the append-only file) after the server died."""
    from kg.store.embedded.store import EmbeddedStore
    store.close()
    while store.server.socket_path.exists() and store.server.probe() == "up":
        time.sleep(0.05)
    return EmbeddedStore(store.server.data_dir)


def _corpus(docs: int | None) -> Path:
    if not docs:
        return CORPUS
    lines = [line for line in CORPUS.read_text().splitlines() if line.strip()][:docs]
    fd, name = tempfile.mkstemp(prefix="mlkg-chaos-", suffix=".jsonl")
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    return Path(name)


def _ingest(spec: str, env: dict, corpus: Path = CORPUS) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", "--input", str(corpus),
                             "--batch-docs", "5", "--store", spec], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bench_store(name: str, args) -> dict:
    rng = random.Random(args.seed)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    corpus = _corpus(args.docs)
    with open_store(name, heap=args.heap) as running:
        store = running.store
        spec = running.tmpdir if name == "embedded" else store.uri
        started = time.perf_counter()
        proc = _ingest(spec, env, corpus)
        while not _sources(store) and proc.poll() is None:
            time.sleep(0.01)
        writing = time.perf_counter()
        assert proc.wait() == 0
        clean_s, write_s = time.perf_counter() - started, time.perf_counter() - writing
        clean, counts = _dump(store), store.counts()
        log(f"{name}: clean run {clean_s:.1f}s ({write_s:.1f}s writing), "
            f"{counts[0]:,} nodes / {counts[1]:,} edges")
        outcomes, attempts = [], 0
        while sum(o["killed"] for o in outcomes) < args.kills and attempts < 2 * args.kills:
            attempts += 1
            store.clear()
            proc = _ingest(spec, env, corpus)
            while not _sources(store) and proc.poll() is None:  # the first chunk began
                time.sleep(0.01)
            began = time.perf_counter()
            early = rng.random() < 1 / 3
            delay = rng.uniform(0.0, min(1.0, write_s) if early else write_s * 0.95)
            time.sleep(delay)
            killed = proc.poll() is None
            at = _sources(store)  # a moment before the kill; writes may go on until it
            if killed and args.target == "server":
                os.kill(int((store.server.pid_path).read_text()), signal.SIGKILL)
                proc.wait()
                store = _reopen(store)
                running.store, running._stop = store, store.stop_server  # leave it at the end
            elif killed:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            if not killed:  # the machine got faster than the clean run: a shorter span
                write_s = min(write_s, time.perf_counter() - began)
            assert _ingest(spec, env, corpus).wait() == 0
            same = store.counts() == counts and _dump(store) == clean
            outcomes.append({"delay_s": round(delay, 2), "killed": killed, "sources_at_kill": at,
                             "converged": same, "counts": store.counts()})
            log(f"{name}: run {attempts} kill {delay:.2f}s into the writes "
                f"(killed={killed}, sources {at}): "
                f"{'converged' if same else 'DIVERGED ' + str(store.counts())}")
    if corpus != CORPUS:
        corpus.unlink()
    return {"clean_s": clean_s, "counts": counts, "runs": outcomes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_store_arguments(ap)
    ap.add_argument("--kills", type=int, default=25, help="kills that land")
    ap.add_argument("--docs", type=int, help="only the corpus's first N documents")
    ap.add_argument("--target", choices=("ingest", "server"), default="ingest",
                    help="what to SIGKILL (server: the embedded store only)")
    args = ap.parse_args()
    if args.target == "server" and args.store != "embedded":
        ap.error("--target server needs --store embedded")
    results = run_per_store(args, bench_store)
    rows = []
    for name, r in results["stores"].items():
        killed = [o for o in r["runs"] if o["killed"]]
        writing = [o for o in killed if o["sources_at_kill"]]
        rows.append([name, args.target, len(r["runs"]), len(killed), len(writing),
                     sum(o["converged"] for o in killed),
                     sum(o["converged"] for o in r["runs"] if not o["killed"]),
                     f"{r['clean_s']:.1f}"])
    print(table(["store", "target", "runs", "killed", "killed after writes began",
                 "converged (of killed)", "converged (not killed)", "clean run s"], rows))


if __name__ == "__main__":
    main()
