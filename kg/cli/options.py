"""Options shared by every command (sqlite-utils style decorators), and the one
place the CLI turns configuration (flags, environment) into objects."""
from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable

import click

from kg.errors import MlkgError


def store_option(func: Callable) -> Callable:
    """``--store PATH|bolt://…`` (env ``MLKG_STORE``); default: the user data dir."""
    return click.option(
        "--store", "store_spec", envvar="MLKG_STORE", metavar="PATH|URI",
        help="Embedded store directory, or bolt://… / neo4j://… for Neo4j "
             "(credentials from NEO4J_USER / NEO4J_PASSWORD). Default: the user data dir.",
    )(func)


def format_option(func: Callable) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(["json", "table"]),
                        default="table", show_default=True, help="Output format.")(func)


def open_store_from_cli(store_spec: str | None):
    """Open the store, reading Neo4j credentials from the environment."""
    from kg.store import open_store
    user, password = os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")
    auth = (user or "neo4j", password) if password else None
    return open_store(store_spec, neo4j_auth=auth,
                      neo4j_database=os.environ.get("NEO4J_DATABASE"))


def handle_errors(func: Callable) -> Callable:
    """Turn mlkg's errors into a clear one-line message and exit code 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except MlkgError as exc:
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    return wrapper


def echo_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    if not rows:
        click.echo("(no rows)")
        return
    table = Table(*rows[0].keys())
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    Console(file=sys.stdout, width=200).print(table)
