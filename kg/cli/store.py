"""``kg store status`` and ``kg store stop``: the embedded store's shared server
(see ``kg.store.embedded.server`` for who starts and stops it). Neither starts a
server."""
from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.options import Partial, format_option, handle_errors, store_option
from kg.errors import ConfigError


def _server(store_spec: str | None):
    from kg.store import check_embedded_path, default_store_path, is_neo4j
    from kg.store.embedded.server import EmbeddedServer
    if store_spec is None:
        click.echo(f"using the default store at {default_store_path()}", err=True)
    spec = store_spec or str(default_store_path())
    if is_neo4j(spec) or "://" in spec:
        raise ConfigError("kg store manages the embedded store's server; Neo4j runs its own")
    path = Path(spec).expanduser()
    check_embedded_path(path, create=False)
    return EmbeddedServer(path)


@click.group("store")
def store_group() -> None:
    """The embedded store's server: one per store directory, shared by every kg
    process and kg serve on it, stopped by the last one to leave."""


@store_group.command("status")
@store_option
@format_option
@handle_errors
def status(store_spec: str | None, fmt: str) -> None:
    """Is the server up, which processes hold it, how big is its log."""
    info = _server(store_spec).status()
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    clients = info["clients"]
    held = "unknown" if clients is None else (
        ", ".join(map(str, clients)) if clients else "none")
    click.echo(f"store    {info['store']}\n"
               f"server   {info['server']}" + (f" (pid {info['pid']})" if info["pid"] else "")
               + f"\nclients  {held}\nlog      {info['aof_bytes']:,} bytes (append-only file)")


@store_group.command("stop")
@click.option("--force", is_flag=True,
              help="Stop it even while other processes hold it (they fail, and the next "
                   "command starts a fresh server).")
@store_option
@handle_errors
def stop(force: bool, store_spec: str | None) -> None:
    """Stop the server (its log compacted first). Refused while other processes
    hold it, unless --force."""
    from kg.store.embedded.lease import ServerLock, holders
    server = _server(store_spec)
    if server.in_use() and not force:
        pids = holders(server.data_dir)
        users = f"pid {', '.join(map(str, pids))}" if pids else "another process"
        raise Partial(f"the store is in use by {users}; not stopped "
                      "(--force stops it anyway)")
    with ServerLock(server.data_dir):
        was = server.probe()
        server.shutdown()
    click.echo(f"stopped the server of {server.data_dir}" if was != "down"
               else f"no server was running for {server.data_dir}")


COMMANDS = [store_group]
