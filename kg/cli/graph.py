"""Commands that read the graph: ``kg query``, ``kg queries``, ``kg stats``, ``kg cypher``."""
from __future__ import annotations

import json

import click

from kg.cli.options import (echo_rows, format_option, handle_errors, open_store_from_cli,
                            store_option)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        params[key.strip()] = value
    return params


@click.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several.")
@store_option
@format_option
@handle_errors
def query(name: str, params: tuple[str, ...], store_spec: str | None, fmt: str) -> None:
    """Run the named query NAME (see `kg queries`) with parameters."""
    with open_store_from_cli(store_spec) as store:
        echo_rows(store.run_query(name, _parse_params(params)), fmt)


@click.command("queries")
@format_option
def list_queries(fmt: str) -> None:
    """List the named queries with their parameters and what they answer."""
    import queries as named
    rows = [{"name": q.name, "params": ", ".join(q.params),
             "optional": ", ".join(f"{k}={v}" for k, v in q.optional.items()),
             "returns": ", ".join(q.returns), "description": q.description}
            for q in sorted(named.catalog().values(), key=lambda q: q.name)]
    echo_rows(rows, fmt)


@click.command()
@store_option
@format_option
@handle_errors
def stats(store_spec: str | None, fmt: str) -> None:
    """Count nodes per label and edges per relation type."""
    with open_store_from_cli(store_spec) as store:
        counts = store.stats()
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    rows = [{"kind": kind, "name": name, "count": n}
            for kind, group in counts.items() for name, n in group.items()]
    echo_rows(rows, fmt)


@click.command()
@click.argument("cypher_text", metavar="CYPHER")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (string value); repeat for several.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds.")
@click.option("--limit", type=int, default=1000, show_default=True, help="Maximum rows.")
@store_option
@format_option
@handle_errors
def cypher(cypher_text: str, params: tuple[str, ...], timeout: float, limit: int,
           store_spec: str | None, fmt: str) -> None:
    """Run a read-only Cypher query; any write is refused by the database."""
    with open_store_from_cli(store_spec) as store:
        rows = store.read_only(cypher_text, _parse_params(params), timeout=timeout, limit=limit)
    echo_rows(rows, fmt)


COMMANDS = [query, list_queries, stats, cypher]
