"""Kill -9 an ingest at a chosen point of its progress (the crash tests of the local
and the Ray paths share it)."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest


def source_states(store) -> tuple[int, int]:
    """(sources 'loading', sources 'done') in the store now."""
    rows = store.read("MATCH (s:Source) RETURN s.status AS status, count(*) AS n")
    counts = {r["status"]: r["n"] for r in rows}
    return counts.get("loading", 0), counts.get("done", 0)


def run_and_kill(cmd: list[str], store, reached, *, cwd, env=None, timeout: float = 300) -> None:
    """Start ``cmd`` and SIGKILL it as soon as ``reached(loading, done)``; fails if it
    ends first or the point is never reached within ``timeout`` seconds."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"ingest finished before the kill point (exit {proc.returncode}): "
                            f"{proc.stderr.read().decode()[-2000:]}")
            if reached(*source_states(store)):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        else:
            pytest.fail("kill point never reached")
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
