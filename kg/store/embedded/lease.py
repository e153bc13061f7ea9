"""Leases on an embedded store: who is using its server, across processes.

Every process that opens the store holds a *shared* ``flock`` on ``clients.lock``
in the data directory for as long as it uses the server. A process leaving tries
to turn its lease into an *exclusive* lock without waiting: that succeeds only if
no other process holds a lease, and then that process — whoever started the
server — stops it while still holding the exclusive lock, so a process arriving
meanwhile waits for the stop and then starts a fresh server. The kernel drops the
lock of a process that dies (``kill -9`` included), so a dead client never keeps
a server alive forever: the next process to leave, or ``kg store stop``, ends it.

``server.lock`` (exclusive) serialises starting and stopping, so two processes
arriving together start one server, not two. Locks are always taken in the order
clients → server, so the two cannot deadlock.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

CLIENTS_LOCK = "clients.lock"
SERVER_LOCK = "server.lock"

_HELD: set["Lease"] = set()  # this process's leases, let go of in forked children


def _forget_in_child() -> None:
    """A forked child (an extraction worker) must not hold its parent's lease: the
    lock would outlive the parent. Closing the child's copy keeps the parent's."""
    for lease in list(_HELD):
        if lease._fd is not None:
            try:
                os.close(lease._fd)
            except OSError:
                pass
            lease._fd = None
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


class Lease:
    """This process's shared hold on one store directory's server."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / CLIENTS_LOCK
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Wait while a leaving process stops the server, then hold a shared lease."""
        if self._fd is not None:
            return
        fd = _open(self.path)
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._fd = fd
        _HELD.add(self)

    def release_is_last(self) -> bool:
        """Try to become the only holder. True: no other process holds a lease and
        this one now holds the lock exclusively (call ``drop`` after stopping the
        server). False: others remain; the lease is already dropped."""
        if self._fd is None:
            return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            self.drop()  # a failed conversion already gave up the shared lock
            return False

    def drop(self) -> None:
        if self._fd is not None:
            _HELD.discard(self)
            os.close(self._fd)
            self._fd = None


class ServerLock:
    """Exclusive hold on ``server.lock`` while starting or stopping the server."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / SERVER_LOCK
        self._fd: int | None = None

    def __enter__(self) -> "ServerLock":
        try:
            self._fd = _open(self.path)
        except FileNotFoundError:  # the directory was deleted: nobody else can race us
            return self
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lock_is_free(path: Path) -> bool:
    """Whether nobody holds a lock on ``path`` (the file is made if missing): probes
    with a fresh descriptor and lets go at once."""
    fd = _open(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def nobody_holds(data_dir: Path) -> bool:
    """No process holds a lease (for ``kg store stop``)."""
    path = data_dir / CLIENTS_LOCK
    return not path.exists() or lock_is_free(path)


def holders(data_dir: Path) -> list[int] | None:
    """Pids holding a lease, from /proc/locks (None where that is not readable).
    A forked child sharing its parent's descriptor is listed under the parent."""
    path = data_dir / CLIENTS_LOCK
    try:
        st = path.stat()
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None if path.exists() else []
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids = set()
    for line in lines:
        words = line.split()
        # "1: FLOCK  ADVISORY  READ 15650 fe:00:9977914 0 EOF" (blocked waiters: "->")
        if len(words) >= 6 and words[1] == "FLOCK" and words[5] == device:
            pids.add(int(words[4]))
    return sorted(pids)
