"""Shared helpers for the benchmarks: start/stop stores, sample RSS, percentiles,
tables, JSON output, the annotated splits as gold files. Not a benchmark itself."""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STORES = ("embedded", "neo4j")


def store_names(choice: str) -> list[str]:
    return list(STORES) if choice == "both" else [choice]


# -- stores ----------------------------------------------------------------------

def _neo4j_server_module():
    spec = importlib.util.spec_from_file_location("mlkg_neo4j_server",
                                                  ROOT / "tools" / "neo4j_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class RunningStore:
    name: str
    store: object          # a kg.store.base.GraphStore
    server_pid: int
    tmpdir: str
    startup_s: float
    _stop: object = None

    def stop(self) -> None:
        try:
            if self._stop:
                self._stop()
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


@contextlib.contextmanager
def open_store(name: str, *, heap: str = "2g", tmp_root: str | None = None) -> Iterator[RunningStore]:
    """Start a fresh store of kind ``name`` in a temp dir; stop it and delete the dir after."""
    tmpdir = tempfile.mkdtemp(prefix=f"mlkg-bench-{name}-", dir=tmp_root)
    t0 = time.perf_counter()
    running: RunningStore | None = None
    try:
        if name == "embedded":
            from kg.store.embedded.store import EmbeddedStore
            store = EmbeddedStore(tmpdir)
            pid = store.server.server_pid()
            running = RunningStore(name, store, pid, tmpdir, time.perf_counter() - t0,
                                   store.stop_server)
        elif name == "neo4j":
            from kg.store.neo4j.store import Neo4jStore
            module = _neo4j_server_module()
            server = module.start(data_dir=os.path.join(tmpdir, "neo4j"), heap=heap)
            try:
                store = Neo4jStore(server.uri)
            except BaseException:
                server.stop()
                raise

            def stop() -> None:
                try:
                    store.close()
                finally:
                    server.stop()
            running = RunningStore(name, store, server.pid, tmpdir, time.perf_counter() - t0, stop)
        else:
            raise ValueError(f"unknown store {name!r}")
        yield running
    finally:
        if running is not None:
            running.stop()
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)


# -- memory ------------------------------------------------------------------------

def proc_status_kb(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class RssSampler:
    """Samples VmRSS of a server pid and of this process every ``interval`` s;
    ``peak_*_mb`` is the highest sample seen while running (per phase)."""

    def __init__(self, server_pid: int, interval: float = 0.2):
        self.server_pid = server_pid
        self.interval = interval
        self.peak_server_kb = 0
        self.peak_client_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def _sample(self) -> None:
        s = proc_status_kb(self.server_pid, "VmRSS") or 0
        c = proc_status_kb(os.getpid(), "VmRSS") or 0
        self.peak_server_kb = max(self.peak_server_kb, s)
        self.peak_client_kb = max(self.peak_client_kb, c)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_server_mb(self) -> float:
        return self.peak_server_kb / 1024

    @property
    def peak_client_mb(self) -> float:
        return self.peak_client_kb / 1024


def server_hwm_mb(pid: int) -> float | None:
    kb = proc_status_kb(pid, "VmHWM")
    return kb / 1024 if kb is not None else None


def client_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# -- numbers and output --------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list]) -> str:
    def fmt(v):
        if isinstance(v, float):
            if v != v:
                return "-"
            return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in cells:
        out.append("| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(out)


def environment() -> dict:
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "loadavg_at_start": load, "platform": platform.platform()}


def write_json(path: str | None, data: dict) -> None:
    if not path:
        return
    Path(path).write_text(json.dumps(data, indent=2, default=str))
    print(f"results written to {path}")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def add_store_arguments(ap) -> None:
    """The options every store benchmark shares."""
    ap.add_argument("--store", choices=("embedded", "neo4j", "both"), default="both")
    ap.add_argument("--batch-size", type=int, default=2000, help="rows per UNWIND statement")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--heap", default="2g", help="Neo4j JVM heap")
    ap.add_argument("--json", dest="json_out", help="write the results here")


def run_per_store(args, bench_store) -> dict:
    """``bench_store(name, args)`` for each chosen store; partial results are kept
    in ``--json`` after each store, so a long run that fails late loses nothing."""
    results = {"args": vars(args), "env": environment(), "stores": {}}
    for name in store_names(args.store):
        results["stores"][name] = bench_store(name, args)
        write_json(args.json_out, results)
    return results


def split_gold(corpus: Path, annotations: Path, split: str, out: Path) -> Path:
    """One split of the annotated corpus (``train`` or ``heldout``) as a gold file of the
    eval format, made by ``tools/annotation.py gold`` (which checks the texts' hashes)."""
    import subprocess
    tool = Path(__file__).resolve().parent.parent / "tools" / "annotation.py"
    subprocess.run([sys.executable, str(tool), "gold", "--corpus", str(corpus), "--annotations", str(annotations),
                    "--split", split, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out
