"""The embedded store's server is shared by every process on a store directory and
stopped by the last one to leave — never while another uses it; signals to
`kg serve` and `kg ingest` leave no server behind; stale files of dead owners are
recovered. Real processes against the real FalkorDB server."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store.embedded.server import EmbeddedServer
from kg.store.embedded.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus" / "arxiv-potw.jsonl"

# A process that opens the store and obeys "read" / "close" lines on stdin.
HOLDER = """
import sys
from kg.store.embedded.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "read":
        print(store.read("RETURN 41 + 1 AS n")[0]["n"], flush=True)
    elif line.strip() == "close":
        store.close()
        print("closed", flush=True)
"""


class Holder:
    def __init__(self, data: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready", self.proc.stderr.read()

    def ask(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def exit(self) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


def _server_pid(data: Path) -> int:
    return int((data / "falkordb.pid").read_text())


def _gone(data: Path, pid: int, timeout: float = 30.0) -> bool:
    """The server ``pid`` ended and left no socket."""
    server = EmbeddedServer(data)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.is_our_server(pid) and not server.socket_path.exists():
            return True
        time.sleep(0.05)
    return False


def _kg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_the_starter_leaving_does_not_stop_a_server_another_process_uses(tmp_path):
    data = tmp_path / "graph"
    first = Holder(data)               # starts the server
    pid = _server_pid(data)
    second = Holder(data)              # reuses it
    assert _server_pid(data) == pid
    assert first.exit() == 0           # the starter leaves…
    assert second.ask("read") == "42"  # …and the other still reads
    assert EmbeddedServer(data).is_our_server(pid)
    assert second.exit() == 0          # the last one leaves: no orphan server
    assert _gone(data, pid)


def test_a_cli_command_beside_a_holder_and_after_it(tmp_path):
    data = tmp_path / "graph"
    holder = Holder(data)
    stats = _kg("stats", "--store", str(data), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["labels"]["Paper"] == 0
    assert holder.ask("read") == "42"
    pid = _server_pid(data)
    assert holder.exit() == 0
    assert _gone(data, pid)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"kg serve exited {proc.returncode}: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail("kg serve never answered /healthz")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP],
                         ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_kg_serve_outlives_a_cli_command_and_releases_on_signal(tmp_path, signum):
    data = tmp_path / "graph"
    holder = Holder(data)  # a CLI command that started the server, still running
    port = _free_port()
    serve = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(data),
                              "--port", str(port), "--log-level", "warning"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        _wait_healthy(url, serve)
        pid = _server_pid(data)
        assert holder.exit() == 0  # the command that started the server exits
        for _ in range(3):
            assert httpx.get(url, timeout=5).status_code == 200
        serve.send_signal(signum)
        assert serve.wait(timeout=60) == 0, serve.stderr.read()[-2000:]
        assert _gone(data, pid), "the last user left and the server is still running"
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
                         ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_to_kg_ingest_stops_its_server_and_records_the_run(tmp_path, signum):
    data = tmp_path / "graph"
    ingest = subprocess.Popen([sys.executable, "-m", "kg.cli", "ingest", "--input", str(CORPUS),
                               "--batch-docs", "5", "--store", str(data)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (data / "falkordb.pid").exists() or EmbeddedServer(data).probe() != "up":
            assert ingest.poll() is None and time.monotonic() < deadline, ingest.stderr.read()
            time.sleep(0.02)
        pid = _server_pid(data)
        time.sleep(1.0)  # into the model load or the writes
        ingest.send_signal(signum)
        assert ingest.wait(timeout=60) == 128 + signum, ingest.stderr.read()[-2000:]
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
    assert _gone(data, pid)
    runs = _kg("runs", "--store", str(data), "--format", "json")
    assert runs.returncode == 0, runs.stderr
    assert [(r["job"], r["status"]) for r in json.loads(runs.stdout)] == [("ingest", "interrupted")]


def test_a_killed_owner_s_server_is_reused_then_stopped(tmp_path):
    data = tmp_path / "graph"
    holder = Holder(data)
    pid = _server_pid(data)
    holder.proc.kill()  # kill -9: no chance to leave
    holder.proc.wait()
    store = EmbeddedStore(data)  # the orphan server is this directory's: reused
    assert _server_pid(data) == pid and store.read("RETURN 1 AS one") == [{"one": 1}]
    store.close()
    assert _gone(data, pid)


def test_stale_socket_and_pid_of_a_dead_server_are_recovered(tmp_path):
    data = tmp_path / "graph"
    holder = Holder(data)
    pid = _server_pid(data)
    os.kill(pid, signal.SIGKILL)
    holder.proc.kill()
    holder.proc.wait()
    assert _gone_process(pid)
    assert (data / "falkordb.sock").exists() and (data / "falkordb.pid").exists()
    store = EmbeddedStore(data)
    try:
        assert _server_pid(data) != pid and store.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        store.close()


def _gone_process(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}/exe").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return time.monotonic() < deadline


def test_store_status_and_stop(tmp_path):
    data = tmp_path / "graph"
    holder = Holder(data)
    pid = _server_pid(data)
    status = CliRunner().invoke(main, ["store", "status", "--store", str(data), "--format", "json"])
    info = json.loads(status.output)
    assert status.exit_code == 0 and info["server"] == "up" and info["pid"] == pid
    assert info["clients"] == [holder.proc.pid]
    refused = CliRunner().invoke(main, ["store", "stop", "--store", str(data)])
    assert refused.exit_code == 1 and str(holder.proc.pid) in refused.output
    assert EmbeddedServer(data).is_our_server(pid)
    forced = CliRunner().invoke(main, ["store", "stop", "--force", "--store", str(data)])
    assert forced.exit_code == 0 and "stopped" in forced.output
    assert _gone(data, pid)
    holder.exit()
    after = CliRunner().invoke(main, ["store", "status", "--store", str(data)])
    assert after.exit_code == 0 and "down" in after.output and "clients  none" in after.output
    again = CliRunner().invoke(main, ["store", "stop", "--store", str(data)])
    assert again.exit_code == 0 and "no server was running" in again.output


def test_the_server_is_private_and_has_no_tcp_port(tmp_path):
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    try:
        sock = data / "falkordb.sock"
        assert (sock.stat().st_mode & 0o777) == 0o700
        assert (data.stat().st_mode & 0o777) == 0o700
        for name in ("clients.lock", "server.lock"):
            assert (data / name).stat().st_mode & 0o077 == 0
        config = store._db.connection.config_get("port")
        assert config["port"] == "0"
    finally:
        store.close()


def test_a_forked_worker_does_not_keep_the_parent_s_lease(tmp_path):
    import multiprocessing
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    pid = _server_pid(data)
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    worker.start()
    try:
        store.close()  # the worker still runs: the server stops all the same
        assert _gone(data, pid, timeout=10)
        started = time.monotonic()
        reopened = Holder(data)  # not blocked behind a lease the worker inherited
        assert time.monotonic() - started < 20 and reopened.ask("read") == "42"
        assert reopened.exit() == 0
    finally:
        worker.kill()
        worker.join()


def test_with_a_linger_an_idle_server_waits_for_the_next_command_then_stops(tmp_path):
    data = tmp_path / "graph"
    store = EmbeddedStore(data, linger=3.0)
    pid = _server_pid(data)
    store.close()
    assert EmbeddedServer(data).is_our_server(pid)  # kept for the next command
    env = dict(os.environ, MLKG_STORE_LINGER="3")
    stats = subprocess.run([sys.executable, "-m", "kg.cli", "stats", "--store", str(data)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert _server_pid(data) == pid  # the same server answered it
    started = time.monotonic()
    assert _gone(data, pid, timeout=30)
    assert time.monotonic() - started > 1.0  # not at once: after the idle period


def test_a_bad_linger_value_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MLKG_STORE_LINGER", "soon")
    result = CliRunner().invoke(main, ["stats", "--store", str(tmp_path / "graph")])
    assert result.exit_code == 2 and "MLKG_STORE_LINGER" in result.output


def test_a_live_server_that_is_slow_to_answer_is_waited_for_not_killed(tmp_path):
    data = tmp_path / "graph"
    holder = Holder(data)
    pid = _server_pid(data)
    os.kill(pid, signal.SIGSTOP)  # busy: alive, silent
    try:
        threading.Timer(3.0, os.kill, (pid, signal.SIGCONT)).start()
        store = EmbeddedStore(data)  # waits for it instead of killing and replacing it
        assert _server_pid(data) == pid and store.read("RETURN 1 AS one") == [{"one": 1}]
        store.close()
        assert holder.ask("read") == "42"
    finally:
        os.kill(pid, signal.SIGCONT)
        holder.exit()
    assert _gone(data, pid)


def test_a_server_whose_pid_file_was_removed_is_still_stopped(tmp_path):
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    pid = _server_pid(data)
    (data / "falkordb.pid").unlink()
    store.close()
    assert _gone_process(pid) and not (data / "falkordb.sock").exists()


def test_a_deleted_store_directory_does_not_orphan_its_server(tmp_path):
    import shutil
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    pid = _server_pid(data)
    shutil.rmtree(data)  # what a test or benchmark cleaning its temp dir does
    store.close()
    assert _gone_process(pid)


def test_a_client_outlives_the_death_of_its_server(tmp_path):
    """kill -9 of the database server under a long-running client (what `kg serve` is):
    the next read and write start it again from its data and go through (issue 8)."""
    data = tmp_path / "graph"
    store = EmbeddedStore(data)
    try:
        store.write("MERGE (:Library {key: 'pytorch', name: 'PyTorch'})")
        time.sleep(1.5)                      # past appendfsync everysec
        pid = _server_pid(data)
        os.kill(pid, signal.SIGKILL)
        assert _gone_process(pid)
        rows = store.read("MATCH (n:Library {key: 'pytorch'}) RETURN n.name AS name")
        assert rows == [{"name": "PyTorch"}]
        assert _server_pid(data) != pid      # a new server, from the same data
        os.kill(_server_pid(data), signal.SIGKILL)
        store.write("MERGE (:Library {key: 'jax', name: 'JAX'})")
        assert store.read("MATCH (n:Library) RETURN count(n) AS n") == [{"n": 2}]
    finally:
        store.close()


def test_kg_serve_recovers_by_itself_when_its_database_server_dies(tmp_path):
    data = tmp_path / "graph"
    EmbeddedStore(data).close()          # a store to serve
    port = _free_port()
    serve = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", str(data),
                              "--port", str(port), "--log-level", "warning"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base + "/healthz", serve)
        pid = _server_pid(data)
        os.kill(pid, signal.SIGKILL)
        assert _gone_process(pid)
        r = httpx.get(base + "/healthz", timeout=60)
        assert r.status_code == 200, r.text   # started again, not 503 for good
        assert _server_pid(data) != pid
        assert httpx.get(base + "/lineage/implementations", params={"name": "MLP-Mixer"},
                         timeout=60).status_code in (200, 404)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
