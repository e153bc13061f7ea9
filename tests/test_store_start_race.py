"""Processes that open a fresh embedded store at the same moment share one server
(issue 8; the probe saw one of two fail in 3 of 5 rounds): starting the server and
creating the schema are serialised by the directory's server lock, and the later
process adopts the server the first one started. Several rounds, each on a new
directory, each with three processes released together. (Before the schema was
under the lock, one round in the suite failed: "Attribute 'name' is already
indexed".)"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.store.embedded.server import EmbeddedServer

ROOT = Path(__file__).resolve().parent.parent
ROUNDS, PROCESSES = 8, 3

# waits for the go file, opens the store, reports the server's pid and a read, then
# holds the store until its stdin closes
OPENER = """
import os, sys, time
go, data = sys.argv[1], sys.argv[2]
while not os.path.exists(go):
    time.sleep(0.001)
from kg.store.embedded.store import EmbeddedStore
store = EmbeddedStore(data)
print(store.server.server_pid(), store.read("RETURN 41 + 1 AS n")[0]["n"], flush=True)
sys.stdin.read()
store.close()
"""


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_processes_starting_a_fresh_store_together_share_one_server(tmp_path, round_no):
    data, go = tmp_path / "graph", tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(go), str(data)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(PROCESSES)]
    time.sleep(0.5)  # let every interpreter reach its wait (no outcome depends on it)
    go.touch()
    lines = []
    try:
        for proc in procs:
            line = proc.stdout.readline().split()
            assert line, proc.stderr.read()[-2000:]
            lines.append(line)
        pids = {pid for pid, _ in lines}
        assert len(pids) == 1 and all(answer == "42" for _, answer in lines)
        pid = int(pids.pop())
        assert EmbeddedServer(data).is_our_server(pid)
    finally:
        for proc in procs:
            proc.stdin.close()
        codes = [proc.wait(timeout=120) for proc in procs]
    assert codes == [0] * PROCESSES
    server = EmbeddedServer(data)
    deadline = time.monotonic() + 30
    while server.is_our_server(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not server.is_our_server(pid)  # the last to leave stopped it
