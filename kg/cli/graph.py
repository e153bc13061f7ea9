"""Commands that read the graph: ``kg query``, ``kg queries``, ``kg stats``, ``kg cypher``,
``kg search``."""
from __future__ import annotations

import json

import click

from kg.cli.options import (echo_rows, format_option, handle_errors, open_store_from_cli,
                            output_options, store_option)
from kg.errors import UnknownName
from kg.lookup import Lookup


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
@output_options()
@handle_errors
def query(name: str, params: tuple[str, ...], store_spec: str | None, fmt: str,
          limit: int | None) -> None:
    """Run the named query NAME (see `kg queries`) with parameters.

    A parameter that names an entity (name, organization, from, to) must name one
    the graph knows: an unknown name exits 2 with close names, as the API's 404 does."""
    import queries as named
    named_query = named.get(name)
    given = _parse_params(params)
    if limit and "limit" in named_query.optional and "limit" not in given:
        given["limit"] = str(limit + 1)  # one more than shown, to tell a cut-off result
    with open_store_from_cli(store_spec) as store:
        given = Lookup(store.run_query).require_known_params(name, given)
        rows = store.run_query(name, given)
    _echo_limited(rows, fmt, limit, named_query.returns)


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
@store_option
@output_options(default_limit=1000)
@handle_errors
def cypher(cypher_text: str, params: tuple[str, ...], timeout: float, store_spec: str | None,
           fmt: str, limit: int) -> None:
    """Run a read-only Cypher query; any write is refused by the database."""
    with open_store_from_cli(store_spec) as store:
        rows = store.read_only(cypher_text, _parse_params(params), timeout=timeout,
                               limit=limit + 1)
    _echo_limited(rows, fmt, limit)


@click.command()
@click.argument("q")
@click.option("--type", "label", metavar="LABEL",
              help="Keep one entity type, e.g. Library (see docs/SCHEMA.md).")
@store_option
@output_options(default_limit=10)
@handle_errors
def search(q: str, label: str | None, store_spec: str | None, fmt: str, limit: int) -> None:
    """Find entities by name or alias, as the API's /search does: an exact match
    first, then prefixes, then typo-tolerant matches (at most 100 rows).

    Nothing found exits 2 with close names, as `kg query` does for an unknown name."""
    with open_store_from_cli(store_spec) as store:
        lookup = Lookup(store.run_query)
        rows = lookup.search(q, label, limit)
        if not rows:
            raise UnknownName(q, "q", lookup.suggestions(q, label))
    echo_rows(rows, fmt)


def _echo_limited(rows: list[dict], fmt: str, limit: int | None,
                  columns: tuple[str, ...] | None = None) -> None:
    if limit and len(rows) > limit:
        rows = rows[:limit]
        click.echo(f"(the first {limit} rows; --limit for more)", err=True)
    echo_rows(rows, fmt, columns)


COMMANDS = [query, list_queries, stats, cypher, search]
