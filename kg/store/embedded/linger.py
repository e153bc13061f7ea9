"""Keep an idle embedded server running for a while (opt-in, ``MLKG_STORE_LINGER``).

A large store takes seconds to load (FalkorDB decodes its snapshot — ~2 s at 100 k
documents — then rebuilds its indexes in the background), so a run of ``kg``
commands each starting the server pays that every time. With a linger, the last
process to leave does not stop the server; it starts this small watcher instead,
which stops the server once nobody has held the store for the linger period
(counted from ``clients.lock``'s mtime, which each last leaver touches). One
watcher per store: it holds ``linger.lock`` for its life, and ends as soon as the
server is down (``kg store stop``, a crash).

    python -m kg.store.embedded.linger DATA_DIR SECONDS
"""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from kg.store.embedded.lease import CLIENTS_LOCK, ServerLock, lock_is_free

LINGER_LOCK = "linger.lock"


def watcher_running(data_dir: Path) -> bool:
    return not lock_is_free(data_dir / LINGER_LOCK)


def start_watcher(data_dir: Path, seconds: float) -> None:
    """Start the watcher unless one runs; it outlives this process."""
    os.utime(data_dir / CLIENTS_LOCK)  # the idle period starts now
    if watcher_running(data_dir):
        return
    subprocess.Popen([sys.executable, "-m", "kg.store.embedded.linger", str(data_dir),
                      str(seconds)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True, umask=0o077)


def watch(data_dir: Path, seconds: float) -> None:
    from kg.store.embedded.server import EmbeddedServer
    mine = os.open(data_dir / LINGER_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(mine, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # another watcher has it
    server = EmbeddedServer(data_dir)
    clients = data_dir / CLIENTS_LOCK
    while server.probe() != "down":
        time.sleep(min(1.0, max(seconds / 4, 0.05)))
        try:
            idle = time.time() - clients.stat().st_mtime
        except OSError:
            return
        if idle < seconds:
            continue
        fd = os.open(clients, os.O_RDWR | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds it: stop
        except BlockingIOError:
            os.close(fd)
            continue  # in use again; its last user touches the clock when it leaves
        try:
            with ServerLock(data_dir):
                server.shutdown()
        finally:
            os.close(fd)
        return


if __name__ == "__main__":
    watch(Path(sys.argv[1]), float(sys.argv[2]))
