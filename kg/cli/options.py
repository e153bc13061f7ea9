"""Options shared by every command (sqlite-utils style decorators), and the one
place the CLI turns configuration (flags, environment) into objects."""
from __future__ import annotations

import functools
import json
import os
import re
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

import click

from kg.errors import (ConfigError, CurationError, MlkgError, QueryError, QueryTimeout,
                       ReadOnlyViolation, SchemaError, SourceError, StoreError, UnknownName)


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


FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def output_options(default_limit: int | None = None) -> Callable[[Callable], Callable]:
    """``--format table|json|jsonl|csv|tsv`` and ``--limit N`` for commands that print
    rows (``kg query``, ``kg cypher``, ``kg search``); the command receives ``fmt``
    and ``limit``."""
    def decorator(func: Callable) -> Callable:
        func = click.option(
            "--limit", type=click.IntRange(min=1), default=default_limit,
            show_default=default_limit is not None,
            help="At most this many rows" + ("." if default_limit else " (default: all)."),
        )(func)
        return click.option(
            "--format", "fmt", type=click.Choice(FORMATS), default="table",
            show_default=True,
            help="table for reading; json, jsonl (one object a line), csv or tsv (a "
                 "header row; lists and objects as JSON) for other programs.")(func)
    return decorator


def open_store_from_cli(store_spec: str | None, *, create: bool = False):
    """Open the store, reading Neo4j credentials from the environment. Only a
    command that writes documents (``create=True``) makes a new embedded store;
    the others refuse a directory that holds none (a mistyped ``--store`` must not
    answer with an empty graph). The default store is announced on stderr."""
    from kg.store import default_store_path, open_store
    if store_spec is None:
        click.echo(f"using the default store at {default_store_path()}", err=True)
    user, password = os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")
    auth = (user or "neo4j", password) if password else None
    return open_store(store_spec, neo4j_auth=auth, create=create, linger=store_linger(),
                      on_create=lambda path: click.echo(f"creating a new store at {path}",
                                                        err=True),
                      neo4j_database=os.environ.get("NEO4J_DATABASE"))


def store_linger() -> float:
    """``MLKG_STORE_LINGER``: seconds an idle embedded server stays up for the next
    command (default 0: it stops as the last process leaves)."""
    raw = os.environ.get("MLKG_STORE_LINGER", "").strip()
    try:
        seconds = float(raw) if raw else 0.0
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ConfigError(f"MLKG_STORE_LINGER={raw!r}: give a number of seconds (0 or more)")
    return seconds


# Exit codes, documented in `kg --help`.
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3
EXIT_CODES_HELP = ("Exit codes: 0 all good; 1 the command ran but not everything went "
                   "through (documents quarantined, a weekly run failed, a store in use "
                   "not stopped); 2 usage or input error (bad option, missing path, no "
                   "store at --store, a refused or unknown query, a bad date); 3 the "
                   "store could not be reached or failed.")


class Terminated(SystemExit):
    """A SIGTERM or SIGHUP, raised where the main thread is, like KeyboardInterrupt."""


def terminate(signum, _frame) -> None:
    raise Terminated(128 + signum)


class Partial(click.ClickException):
    """The command ran, but not everything went through (exit 1)."""
    exit_code = EXIT_PARTIAL


class InputError(click.ClickException):
    exit_code = EXIT_USAGE


class StoreFailed(click.ClickException):
    exit_code = EXIT_STORE


def _exit_class(exc: MlkgError) -> type[click.ClickException]:
    if isinstance(exc, (ReadOnlyViolation, QueryTimeout)):  # the query given was refused
        return InputError
    if isinstance(exc, StoreError):
        return StoreFailed
    if isinstance(exc, (ConfigError, QueryError, SchemaError, SourceError, CurationError)):
        return InputError
    return Partial


def handle_errors(func: Callable) -> Callable:
    """Turn mlkg's errors into a clear one-line message and its exit code."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UnknownName as exc:
            # the API's 404 suggestions (kg.lookup), as a line a person reads
            from kg.lookup import format_suggestions
            hint = (f"; did you mean: {format_suggestions(exc.suggestions)}?"
                    if exc.suggestions else "; no close names either")
            raise InputError(f"UnknownName: {exc} ({exc.param}){hint}") from exc
        except MlkgError as exc:
            raise _exit_class(exc)(f"{type(exc).__name__}: {exc}") from exc
    return wrapper


_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")


def parse_since(value: str, *, now: datetime | None = None) -> str:
    """A date as the graph's timestamps compare: an ISO date or date-time, or
    ``today``, ``yesterday``, ``Nh``, ``Nd``, ``Nw`` (hours, days, weeks ago).
    Anything else is refused rather than matching nothing."""
    now = now or datetime.now(timezone.utc)
    text = value.strip().lower()
    if text in ("today", "yesterday"):
        return (now.date() - timedelta(days=text == "yesterday")).isoformat()
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"h": timedelta(hours=amount), "d": timedelta(days=amount),
                 "w": timedelta(weeks=amount)}[unit]
        if unit == "h":
            return (now - delta).astimezone(timezone.utc).isoformat(timespec="seconds")
        return (now.date() - delta).isoformat()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date: use an ISO date (2026-11-22), a date-time "
            "(2026-11-22T08:00:00+00:00), today, yesterday, or 12h / 7d / 2w",
            param_hint="--since") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a local time, as the user reads a clock
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def echo_rows(rows: list[dict[str, Any]], fmt: str,
              columns: list[str] | tuple[str, ...] | None = None) -> None:
    """Print rows in ``fmt`` (see ``FORMATS``). ``columns`` gives CSV/TSV their header
    when there are no rows (a named query's declared columns)."""
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, default=str, ensure_ascii=False))
        return
    if fmt in ("csv", "tsv"):
        _echo_delimited(rows, "," if fmt == "csv" else "\t", columns)
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


def _echo_delimited(rows: list[dict[str, Any]], delimiter: str,
                    columns: list[str] | tuple[str, ...] | None) -> None:
    import csv
    import io
    header = list(rows[0].keys()) if rows else list(columns or ())
    if not header:
        return
    buffer = io.StringIO()
    # RFC 4180 quoting for both; for TSV a tab or newline inside a value is quoted too
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    click.echo(buffer.getvalue(), nl=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):  # a path's nodes, a node's properties
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)
