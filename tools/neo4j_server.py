#!/usr/bin/env python3
"""Build and run a real, in-process Neo4j 5.26 Community server for tests (no Docker).

The Java side lives in ``tools/neo4j-test-server`` (a small Maven project that embeds
Neo4j with the Bolt connector on 127.0.0.1, auth disabled, and prints exactly one line
``BOLT_URI=bolt://127.0.0.1:PORT`` when ready).  This module is stdlib-only (the
``neo4j`` Python driver is used, if installed, to wait until Bolt really answers).

Python use (e.g. from a conftest, loaded by path)::

    spec = importlib.util.spec_from_file_location("neo4j_server", ROOT / "tools/neo4j_server.py")
    neo4j_server = importlib.util.module_from_spec(spec); spec.loader.exec_module(neo4j_server)
    if neo4j_server.java_and_maven_available():
        with neo4j_server.running() as server:
            driver = neo4j.GraphDatabase.driver(server.uri)   # no auth needed

Command line (e.g. from a CI script)::

    python3 tools/neo4j_server.py build          # mvn package (offline if ~/.m2 has everything)
    python3 tools/neo4j_server.py run            # prints BOLT_URI=bolt://127.0.0.1:PORT, runs until Ctrl-C/SIGTERM
    python3 tools/neo4j_server.py available      # exit 0 if java (>=17) and mvn are on PATH
    python3 tools/neo4j_server.py import DIR --data-dir HOME   # neo4j-admin import of kg export's CSVs

Environment: ``JAVA_HOME`` (picks ``$JAVA_HOME/bin/java``), ``MVN`` (maven executable),
``NEO4J_TEST_HEAP`` (default ``512m``), ``NEO4J_TEST_JAVA_OPTS`` (extra JVM options).
"""

from __future__ import annotations

import argparse
import atexit
import collections
import contextlib
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, Optional, Sequence

__all__ = [
    "DEFAULT_PROJECT_DIR",
    "Neo4jTestServer",
    "build",
    "import_csv",
    "is_built",
    "java_and_maven_available",
    "running",
    "start",
]

DEFAULT_PROJECT_DIR = Path(__file__).resolve().parent / "neo4j-test-server"
JAR_NAME = "neo4j-test-server.jar"
DEFAULT_HEAP = "512m"
DEFAULT_START_TIMEOUT = 120.0
_URI_PREFIX = "BOLT_URI="


# --------------------------------------------------------------------------- tools


def _java_executable() -> Optional[str]:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def _mvn_executable() -> Optional[str]:
    return os.environ.get("MVN") or shutil.which("mvn")


def _java_major_version(java: str) -> Optional[int]:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    if major == 1 and m.group(2):  # "1.8.0_..." style
        major = int(m.group(2))
    return major


def java_and_maven_available() -> bool:
    """True if a Java >= 17 runtime and Maven are on PATH (or JAVA_HOME / MVN)."""
    java = _java_executable()
    if not java or not _mvn_executable():
        return False
    major = _java_major_version(java)
    return major is not None and major >= 17


# --------------------------------------------------------------------------- build


def _jar_path(project_dir: Path) -> Path:
    return Path(project_dir) / "target" / JAR_NAME


def _newest_source_mtime(project_dir: Path) -> float:
    newest = (project_dir / "pom.xml").stat().st_mtime
    src = project_dir / "src"
    if src.is_dir():
        for path in src.rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def is_built(project_dir: os.PathLike | str = DEFAULT_PROJECT_DIR) -> bool:
    """True if target/neo4j-test-server.jar and target/lib/*.jar exist and are newer than the sources."""
    project_dir = Path(project_dir)
    jar = _jar_path(project_dir)
    lib = project_dir / "target" / "lib"
    if not jar.is_file() or not lib.is_dir() or not any(lib.glob("*.jar")):
        return False
    return jar.stat().st_mtime >= _newest_source_mtime(project_dir)


def _neo4j_version_from_pom(project_dir: Path) -> Optional[str]:
    m = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", (project_dir / "pom.xml").read_text())
    return m.group(1).strip() if m else None


def _deps_probably_cached(project_dir: Path) -> bool:
    version = _neo4j_version_from_pom(project_dir)
    if not version:
        return False
    repo = Path(os.environ.get("MAVEN_REPO_LOCAL", Path.home() / ".m2" / "repository"))
    return (repo / "org" / "neo4j" / "neo4j" / version / f"neo4j-{version}.jar").is_file()


def build(
    project_dir: os.PathLike | str = DEFAULT_PROJECT_DIR,
    offline_if_cached: bool = True,
    force: bool = False,
    quiet: bool = True,
) -> Path:
    """Run ``mvn package`` for the test server unless it is already built; return the jar path.

    With ``offline_if_cached`` (default) Maven runs with ``-o`` first when the Neo4j jars are
    already in the local repository, and falls back to an online build if that fails.
    Raises RuntimeError (with Maven's output tail) on failure.
    """
    project_dir = Path(project_dir).resolve()
    jar = _jar_path(project_dir)
    if not force and is_built(project_dir):
        return jar
    mvn = _mvn_executable()
    if not mvn:
        raise RuntimeError("Maven ('mvn') not found on PATH; cannot build the Neo4j test server")

    base = [mvn, "-B", "package"]
    if quiet:
        base.insert(1, "-q")
    attempts: list[list[str]] = []
    if offline_if_cached and _deps_probably_cached(project_dir):
        attempts.append(base[:1] + ["-o"] + base[1:])
    attempts.append(base)

    last = None
    for cmd in attempts:
        last = subprocess.run(
            cmd, cwd=project_dir, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
        if last.returncode == 0 and jar.is_file():
            # make sure the staleness check sees the jar as fresh even if Maven skipped re-jarring
            os.utime(jar)
            return jar
    assert last is not None
    tail = (last.stdout + last.stderr)[-4000:]
    raise RuntimeError(
        f"building the Neo4j test server failed ({shlex.join(last.args)}, exit {last.returncode}):\n{tail}"
    )


# --------------------------------------------------------------------------- run


class Neo4jTestServer:
    """A running test server process. Use ``.uri``; call ``.stop()`` (or use as a context manager)."""

    def __init__(self, process: subprocess.Popen, uri: str, data_dir: Optional[Path], stderr_path: Path):
        self.process = process
        self.uri = uri
        self.data_dir = data_dir
        self.stderr_path = stderr_path
        self._stopped = False
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def port(self) -> int:
        return int(self.uri.rsplit(":", 1)[1])

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stderr_tail(self, max_chars: int = 4000) -> str:
        return _read_tail(self.stderr_path, max_chars)

    def stop(self, timeout: float = 60.0) -> None:
        """Shut the DBMS down cleanly (stdin EOF + SIGTERM), killing it only after ``timeout``."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        _terminate(self.process, timeout)
        with contextlib.suppress(OSError):
            self.stderr_path.unlink()

    def __enter__(self) -> "Neo4jTestServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"<Neo4jTestServer {self.uri} pid={self.pid} {state}>"


def _read_tail(path: Path, max_chars: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_chars))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _terminate(proc: subprocess.Popen, timeout: float) -> None:
    if proc.poll() is None:
        # Closing stdin alone makes the server shut down; SIGTERM too (runs the JVM shutdown hook).
        with contextlib.suppress(OSError, ValueError):
            if proc.stdin:
                proc.stdin.close()
        with contextlib.suppress(OSError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout):
        with contextlib.suppress(OSError, ValueError):
            if stream:
                stream.close()


def _wait_for_bolt(uri: str, deadline: float, proc: subprocess.Popen) -> None:
    """Wait until the driver can talk Bolt (or, without the driver, until the port accepts)."""
    try:
        import neo4j  # type: ignore
    except ImportError:
        neo4j = None
    last_err: Optional[BaseException] = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Neo4j test server exited (code {proc.returncode}) before Bolt answered")
        try:
            if neo4j is not None:
                with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
                    driver.verify_connectivity()
            else:
                host, port = uri.split("//", 1)[1].rsplit(":", 1)
                with socket.create_connection((host, int(port)), timeout=5):
                    pass
            return
        except Exception as exc:  # noqa: BLE001 - keep retrying until the deadline
            last_err = exc
            time.sleep(0.2)
    raise TimeoutError(f"Bolt at {uri} did not answer in time: {last_err!r}")


def _java_command(jar: Path, data_dir: Optional[Path], port: Optional[int], heap: str) -> list[str]:
    java = _java_executable()
    if not java:
        raise RuntimeError("java not found on PATH (or JAVA_HOME); cannot start the Neo4j test server")
    cmd = [
        java,
        f"-Xmx{heap}",
        "-Xss1m",
        "-XX:+UseSerialGC",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-UsePerfData",
        "-Dfile.encoding=UTF-8",
    ]
    cmd += shlex.split(os.environ.get("NEO4J_TEST_JAVA_OPTS", ""))
    cmd += ["-jar", str(jar)]
    if port is not None:
        cmd += ["--port", str(int(port))]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return cmd


def start(
    data_dir: os.PathLike | str | None = None,
    port: Optional[int] = None,
    *,
    project_dir: os.PathLike | str = DEFAULT_PROJECT_DIR,
    build_if_needed: bool = True,
    timeout: float = DEFAULT_START_TIMEOUT,
    heap: Optional[str] = None,
    verify: bool = True,
) -> Neo4jTestServer:
    """Start the server and return once Bolt answers.

    ``data_dir``: Neo4j home (kept afterwards); default a temp dir deleted on stop.
    ``port``: Bolt port; default a free one chosen by the server.
    Raises RuntimeError, with the server's stderr tail, if it dies or does not come up within ``timeout``.
    """
    project_dir = Path(project_dir)
    jar = build(project_dir) if build_if_needed else _jar_path(project_dir)
    if not jar.is_file():
        raise RuntimeError(f"{jar} not built; run `python3 {Path(__file__).name} build` first")
    data_path = Path(data_dir).resolve() if data_dir is not None else None
    heap = heap or os.environ.get("NEO4J_TEST_HEAP", DEFAULT_HEAP)
    cmd = _java_command(jar, data_path, port, heap)

    fd, stderr_name = tempfile.mkstemp(prefix="mlkg-neo4j-test-", suffix=".stderr.log")
    stderr_path = Path(stderr_name)
    with os.fdopen(fd, "wb") as stderr_file:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,  # the server exits when this pipe closes (i.e. when we die)
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            cwd=project_dir,
            text=True,
            bufsize=1,
        )

    lines: "queue.Queue[Optional[str]]" = queue.Queue()

    def pump_stdout() -> None:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.put(line)
        except (OSError, ValueError):
            pass
        lines.put(None)

    threading.Thread(target=pump_stdout, name="neo4j-test-server-stdout", daemon=True).start()

    started = time.monotonic()
    deadline = started + timeout
    uri: Optional[str] = None
    other_stdout: collections.deque[str] = collections.deque(maxlen=20)

    def fail(reason: str) -> RuntimeError:
        _terminate(proc, 30)
        tail = _read_tail(stderr_path, 4000)
        extra = "".join(other_stdout)
        return RuntimeError(
            f"Neo4j test server {reason}.\ncommand: {shlex.join(cmd)}\n"
            f"stderr tail ({stderr_path}):\n{tail}" + (f"\nstdout:\n{extra}" if extra else "")
        )

    try:
        while uri is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise fail(f"did not print {_URI_PREFIX}... within {timeout:.0f}s")
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                proc.wait(timeout=30)
                raise fail(f"exited with code {proc.returncode} before it was ready")
            if line.startswith(_URI_PREFIX):
                uri = line[len(_URI_PREFIX):].strip()
            else:
                other_stdout.append(line)
        if verify:
            try:
                _wait_for_bolt(uri, deadline, proc)
            except (RuntimeError, TimeoutError) as exc:
                raise fail(str(exc)) from None
    except BaseException:
        if proc.poll() is None:
            _terminate(proc, 30)
        raise

    server = Neo4jTestServer(proc, uri, data_path, stderr_path)
    server.startup_seconds = time.monotonic() - started  # type: ignore[attr-defined]
    atexit.register(server.stop)
    return server


@contextlib.contextmanager
def running(
    data_dir: os.PathLike | str | None = None, port: Optional[int] = None, **kwargs
) -> Iterator[Neo4jTestServer]:
    """``with running() as server: ... server.uri ...`` — starts the server and always stops it."""
    server = start(data_dir=data_dir, port=port, **kwargs)
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- CLI


def import_csv(
    import_dir: os.PathLike | str,
    data_dir: os.PathLike | str,
    *,
    project_dir: os.PathLike | str = DEFAULT_PROJECT_DIR,
    heap: Optional[str] = None,
) -> float:
    """Run Neo4j's own offline importer (``neo4j-admin database import full``, class
    ``org.neo4j.cli.AdminTool`` from the Maven-built classpath: neo4j-import-tool comes
    with the server's dependencies) on the files of ``kg export --format neo4j-import``
    (``import_dir/import.args``) into the default database of a new Neo4j home
    ``data_dir``, the layout ``start(data_dir=...)`` then serves. Returns the seconds
    the importer took."""
    project_dir = Path(project_dir)
    build(project_dir)
    java = _java_executable()
    if not java:
        raise RuntimeError("java not found on PATH (or JAVA_HOME)")
    import_dir, home = Path(import_dir).resolve(), Path(data_dir).resolve()
    (home / "conf").mkdir(parents=True, exist_ok=True)   # the importer reads NEO4J_CONF
    args = [a for a in (import_dir / "import.args").read_text().splitlines() if a]
    cmd = [java, f"-Xmx{heap or os.environ.get('NEO4J_TEST_HEAP', DEFAULT_HEAP)}",
           "-XX:+UseSerialGC", "-Dfile.encoding=UTF-8",
           "-cp", str(project_dir / "target" / "lib" / "*"), "org.neo4j.cli.AdminTool",
           "database", "import", "full", *args, "--overwrite-destination=true",
           "--max-off-heap-memory=512m", "neo4j"]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    t0 = time.monotonic()
    done = subprocess.run(cmd, cwd=import_dir, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"neo4j-admin database import failed ({done.returncode}):\n"
                           f"{(done.stdout + done.stderr)[-4000:]}")
    return time.monotonic() - t0


def _cmd_import(args: argparse.Namespace) -> int:
    seconds = import_csv(args.import_dir, args.data_dir, project_dir=args.project_dir)
    print(f"imported {args.import_dir} into {args.data_dir} in {seconds:.1f}s; "
          f"start it with: run --data-dir {args.data_dir}", file=sys.stderr)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    was_built = is_built(args.project_dir) and not args.force
    jar = build(args.project_dir, offline_if_cached=not args.online, force=args.force, quiet=not args.verbose)
    state = "up to date" if was_built else f"built in {time.monotonic() - t0:.1f}s"
    print(f"neo4j test server {state}: {jar}", file=sys.stderr)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    stop_requested = threading.Event()

    def on_signal(signum, _frame):
        stop_requested.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    server = start(
        data_dir=args.data_dir, port=args.port, project_dir=args.project_dir, heap=args.heap, timeout=args.timeout
    )
    try:
        print(f"{_URI_PREFIX}{server.uri}", flush=True)
        print(
            f"neo4j test server pid {server.pid} ready in {server.startup_seconds:.1f}s; Ctrl-C / SIGTERM stops it",
            file=sys.stderr,
            flush=True,
        )
        while not stop_requested.is_set():
            if not server.is_running():
                print(f"neo4j test server exited unexpectedly:\n{server.stderr_tail()}", file=sys.stderr)
                return 1
            stop_requested.wait(1.0)
    finally:
        server.stop()
    return 0


def _cmd_available(_args: argparse.Namespace) -> int:
    ok = java_and_maven_available()
    print("yes" if ok else "no")
    return 0 if ok else 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project-dir", type=Path, default=DEFAULT_PROJECT_DIR, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    p_build = sub.add_parser("build", help="mvn package the test server (skipped when up to date)")
    p_build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p_build.add_argument("--online", action="store_true", help="never try Maven offline mode first")
    p_build.add_argument("--verbose", action="store_true", help="show Maven's output")
    p_build.set_defaults(func=_cmd_build)

    p_run = sub.add_parser("run", help="start the server, print BOLT_URI=..., run until Ctrl-C/SIGTERM")
    p_run.add_argument("--port", type=int, default=None, help="Bolt port (default: a free one)")
    p_run.add_argument("--data-dir", default=None, help="Neo4j home to use and keep (default: temp dir)")
    p_run.add_argument("--heap", default=None, help=f"JVM -Xmx (default {DEFAULT_HEAP})")
    p_run.add_argument("--timeout", type=float, default=DEFAULT_START_TIMEOUT, help="startup timeout, seconds")
    p_run.set_defaults(func=_cmd_run)

    p_imp = sub.add_parser("import", help="neo4j-admin database import full of a "
                           "`kg export --format neo4j-import` directory into a new Neo4j home")
    p_imp.add_argument("import_dir", help="the directory kg export wrote")
    p_imp.add_argument("--data-dir", required=True, help="the new Neo4j home (then: run --data-dir)")
    p_imp.set_defaults(func=_cmd_import)

    p_av = sub.add_parser("available", help="exit 0 if java >= 17 and mvn are available")
    p_av.set_defaults(func=_cmd_available)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
