"""HTTP load test of ``GET /lineage/implementations`` against ``kg serve``, both stores.

    python3 bench/http_load.py --store both                                   # 333,334 entities / 1 M edges
    python3 bench/http_load.py --store embedded --nodes 20000 --edges 60000 --duration 5 --json h.json

For each store (fresh, in a temp dir, started by ``bench/common.open_store``):
bulk-load a generated graph with ``store.upsert`` (``bench/generate.py``, the same
loader as ``bench/query.py``), start ``kg serve`` as a SEPARATE process
(``python -m kg.cli serve --store … --host 127.0.0.1 --port <free port>``: one
uvicorn worker, the store's own connection pool), wait for ``/healthz``, then drive
``GET /lineage/implementations?name=…`` from this process with ``--concurrency``
threads, each with its own keep-alive ``httpx.Client``, for ``--duration`` seconds
(or until ``--requests`` requests, whichever first), after ``--warmup`` seconds of
untimed requests. Only 127.0.0.1 is ever contacted.

Names: architecture names (``--names`` of them, seeded): half from the popular
head of the IMPLEMENTS power law, half uniform over all architectures, ~10 % of
those as an alias, plus ``--miss-rate`` deliberate misses (names no entity has).
A 404 for a deliberate miss is expected and counted as ``miss 404``; anything
else that is not a 200 (a 404 for a real name, 4xx/5xx, a transport error or a
timeout) is an error.

Reported per store: requests, req/s, p50/p90/p99/max latency (ms, client-side,
whole request), error count, miss-404 count, the same percentiles for hits and
misses separately, mean rows per hit, the server process's peak RSS; then the
ratio neo4j/embedded. ``--json OUT`` writes every number.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (add_store_arguments, log, open_store, percentile, ROOT, RssSampler,
                    run_per_store, table, write_json)  # noqa: E402
from generate import A, ARCH_PREFIX, GenConfig, GraphGenerator  # noqa: E402
from query import load  # noqa: E402  (the colleague's batched loader, reused as is)

HOST = "127.0.0.1"
ROUTE = "/lineage/implementations"


# -- the server -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class ApiServer:
    """``kg serve`` in a child process on 127.0.0.1:<free port>."""

    def __init__(self, store_spec: str, log_path: Path, startup_timeout: float = 120.0):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        env = dict(os.environ)
        env.pop("MLKG_API_KEYS", None)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--store", store_spec,
             "--host", HOST, "--port", str(self.port), "--log-level", "warning"],
            cwd=str(ROOT), env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"kg serve did not answer /healthz in {startup_timeout}s:\n"
                                   + self.log_tail())
            time.sleep(0.25)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # uvicorn: graceful shutdown on SIGTERM
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


# -- the workload -------------------------------------------------------------------

def architecture_names(gen: GraphGenerator, count: int, *, seed: int, miss_rate: float,
                       alias_rate: float = 0.1) -> list[tuple[str, bool]]:
    """``count`` (name, is_miss) pairs: architectures (half popular, half uniform,
    some by alias) and ``miss_rate`` names that no entity has."""
    rng = random.Random(seed)
    n_arch = gen.n[A]
    out = []
    for _ in range(count):
        if rng.random() < miss_rate:
            out.append((f"{rng.choice(ARCH_PREFIX)}Missing{rng.randrange(10**6)}-"
                        f"{rng.randrange(99)}X", True))
            continue
        if rng.random() < 0.5:  # the popular head, the same power law as IMPLEMENTS tails
            i = min(n_arch - 1, int(n_arch * rng.random() ** 3.0))
        else:
            i = rng.randrange(n_arch)
        name = gen.name(A, i)
        if rng.random() < alias_rate:
            aliases = gen.aliases(A, i, name)
            name = aliases[0] if aliases else name
        out.append((name, False))
    return out


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.hit_ms: list[float] = []
        self.miss_ms: list[float] = []
        self.miss_404 = 0
        self.miss_not_404 = 0
        self.errors = 0
        self.error_samples: list[str] = []
        self.rows = 0
        self.hits = 0

    def error(self, what: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(what)


def drive(base_url: str, names: list[tuple[str, bool]], *, concurrency: int, duration: float,
          max_requests: int | None, seed: int, timeout: float, record: bool = True) -> tuple[Stats, float]:
    """``concurrency`` threads, each looping over random names until time or the
    request budget runs out. Returns the stats and the elapsed wall time."""
    stats = Stats()
    budget = {"left": max_requests if max_requests else float("inf")}
    budget_lock = threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)
    deadline = {"t": 0.0}

    def take() -> bool:
        with budget_lock:
            if budget["left"] <= 0:
                return False
            budget["left"] -= 1
            return True

    def worker(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        with httpx.Client(base_url=base_url, timeout=timeout,
                          limits=httpx.Limits(max_connections=1, max_keepalive_connections=1)) as client:
            start_gate.wait()
            while time.perf_counter() < deadline["t"] and take():
                name, is_miss = rng.choice(names)
                t0 = time.perf_counter()
                try:
                    r = client.get(ROUTE, params={"name": name})
                    status = r.status_code
                    body = r.json() if status == 200 else None
                except Exception as exc:  # a timeout or transport error is an error
                    stats.error(f"{name!r}: {type(exc).__name__}: {exc}")
                    continue
                ms = (time.perf_counter() - t0) * 1000
                if not record:
                    continue
                with stats.lock:
                    if is_miss:
                        stats.miss_ms.append(ms)
                        if status == 404:
                            stats.miss_404 += 1
                        else:
                            stats.miss_not_404 += 1
                    elif status == 200:
                        stats.hit_ms.append(ms)
                        stats.hits += 1
                        stats.rows += body.get("count", 0)
                if status != 200 and not (is_miss and status == 404):
                    stats.error(f"{name!r}: HTTP {status}: {r.text[:200]}")

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(concurrency)]
    for t in threads:
        t.start()
    deadline["t"] = time.perf_counter() + duration
    t0 = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    return stats, time.perf_counter() - t0


def summarize(stats: Stats, elapsed: float) -> dict:
    lat = stats.hit_ms + stats.miss_ms
    return {"requests": len(lat), "seconds": elapsed, "req_per_s": len(lat) / elapsed,
            "p50_ms": percentile(lat, 50), "p90_ms": percentile(lat, 90),
            "p99_ms": percentile(lat, 99), "max_ms": max(lat) if lat else float("nan"),
            "mean_ms": sum(lat) / len(lat) if lat else float("nan"),
            "errors": stats.errors, "error_samples": stats.error_samples,
            "miss_404": stats.miss_404, "miss_not_404": stats.miss_not_404,
            "hits": stats.hits, "mean_rows_per_hit": stats.rows / stats.hits if stats.hits else 0.0,
            "hit_p50_ms": percentile(stats.hit_ms, 50), "hit_p99_ms": percentile(stats.hit_ms, 99),
            "miss_p50_ms": percentile(stats.miss_ms, 50), "miss_p99_ms": percentile(stats.miss_ms, 99),
            "attempted": len(lat) + stats.errors}


# -- one store ----------------------------------------------------------------------

def bench_store(name: str, args) -> dict:
    gen = GraphGenerator(GenConfig(entities=args.nodes, relations=args.edges, seed=args.seed))
    out: dict = {"store": name}
    with open_store(name, heap=args.heap) as rs:
        log(f"{name}: store server pid {rs.server_pid}; loading {args.nodes:,} entities + "
            f"{args.edges:,} relations")
        out["load"] = load(rs.store, gen, args.batch_size)
        nodes, edges = rs.store.counts()
        out["graph"] = {"nodes": nodes, "edges": edges}
        log(f"{name}: loaded in {out['load']['upsert_seconds']:.0f}s; store holds {nodes:,} nodes / "
            f"{edges:,} edges (incl. Alias, Source, MENTIONS)")
        spec = rs.tmpdir if name == "embedded" else rs.store.uri
        names = architecture_names(gen, args.names, seed=args.seed + 1, miss_rate=args.miss_rate)
        server = ApiServer(spec, Path(rs.tmpdir) / "kg-serve.log")
        try:
            log(f"{name}: kg serve pid {server.pid} at {server.base_url}; warm-up {args.warmup}s")
            drive(server.base_url, names, concurrency=args.concurrency, duration=args.warmup,
                  max_requests=None, seed=args.seed + 2, timeout=args.timeout, record=False)
            log(f"{name}: timed run: {args.concurrency} threads, {args.duration}s"
                + (f" or {args.requests} requests" if args.requests else ""))
            with RssSampler(server.pid, interval=0.5) as mem:
                stats, elapsed = drive(server.base_url, names, concurrency=args.concurrency,
                                       duration=args.duration, max_requests=args.requests,
                                       seed=args.seed + 3, timeout=args.timeout)
            out["http"] = summarize(stats, elapsed)
            out["http"]["api_peak_rss_mb"] = mem.peak_server_mb
            out["http"]["client_peak_rss_mb"] = mem.peak_client_mb
            h = out["http"]
            log(f"{name}: {h['requests']:,} requests, {h['req_per_s']:.1f} req/s, p50 "
                f"{h['p50_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms, {h['errors']} errors, "
                f"{h['miss_404']} miss 404s")
            for sample in h["error_samples"]:
                log(f"  error: {sample}")
        finally:
            server.stop()
            out["api_log_tail"] = server.log_tail(10)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=333_334, help="entities to generate")
    ap.add_argument("--edges", type=int, default=1_000_000, help="relation edges to generate")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0, help="timed seconds per store")
    ap.add_argument("--requests", type=int, default=None,
                    help="stop after this many timed requests (if before --duration)")
    ap.add_argument("--warmup", type=float, default=3.0, help="untimed seconds first")
    ap.add_argument("--names", type=int, default=2000, help="distinct names to draw from")
    ap.add_argument("--miss-rate", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, s")
    add_store_arguments(ap)
    args = ap.parse_args(argv)

    results = run_per_store(args, bench_store)

    print()
    print(f"GET {ROUTE}: graph {args.nodes:,} entities + {args.edges:,} relation edges "
          f"(seed {args.seed}); kg serve (1 uvicorn process) on {HOST}; {args.concurrency} "
          f"client threads, {args.duration:g} s timed after {args.warmup:g} s warm-up; "
          f"{args.names} architecture names, {args.miss_rate:.0%} misses")
    rows = []
    for name, r in results["stores"].items():
        h = r["http"]
        rows.append([name, r["graph"]["nodes"], r["graph"]["edges"], h["requests"], h["req_per_s"],
                     h["p50_ms"], h["p90_ms"], h["p99_ms"], h["max_ms"], h["errors"], h["miss_404"],
                     h["hit_p50_ms"], h["miss_p50_ms"], h["mean_rows_per_hit"],
                     h["api_peak_rss_mb"]])
    print(table(["store", "nodes", "edges", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms",
                 "max ms", "errors", "miss 404", "hit p50 ms", "miss p50 ms", "rows/hit",
                 "API RSS MB"], rows))
    if len(results["stores"]) == 2:
        e, n = results["stores"]["embedded"]["http"], results["stores"]["neo4j"]["http"]
        ratios = {"neo4j_over_embedded_req_per_s": n["req_per_s"] / e["req_per_s"],
                  "neo4j_over_embedded_p50": n["p50_ms"] / e["p50_ms"],
                  "neo4j_over_embedded_p99": n["p99_ms"] / e["p99_ms"]}
        results["ratios"] = ratios
        print(f"neo4j/embedded: req/s {ratios['neo4j_over_embedded_req_per_s']:.2f}x, "
              f"p50 {ratios['neo4j_over_embedded_p50']:.2f}x, "
              f"p99 {ratios['neo4j_over_embedded_p99']:.2f}x")
    write_json(args.json_out, results)
    errors = sum(r["http"]["errors"] for r in results["stores"].values())
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
