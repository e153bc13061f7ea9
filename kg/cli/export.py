"""``kg export`` (Turtle, JSON-LD, GraphML, node-link JSON) and ``kg analyze``."""
from __future__ import annotations

import contextlib
import json
import sys

import click

from kg.cli.options import (InputError, echo_rows, format_option, handle_errors,
                            open_store_from_cli, store_option)

FORMATS = ("turtle", "jsonld", "graphml", "json", "neo4j-import")


@contextlib.contextmanager
def _output(path: str | None, binary: bool):
    if path in (None, "-"):
        yield sys.stdout.buffer if binary else sys.stdout
        return
    with open(path, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as f:
        yield f


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="turtle",
              show_default=True, help="turtle/jsonld: RDF (schema.org + PROV-O); graphml, "
                                      "json: networkx GraphML / node-link JSON; "
                                      "neo4j-import: CSV files for neo4j-admin database "
                                      "import, into the directory --output (required).")
@click.option("--output", "-o", metavar="FILE", help="Write here instead of stdout "
              "(a directory for neo4j-import).")
@click.option("--page-size", default=1000, show_default=True, type=click.IntRange(1),
              help="Nodes/edges read from the store per query.")
@store_option
@handle_errors
def export(fmt: str, output: str | None, page_size: int, store_spec: str | None) -> None:
    """Export the whole graph (entities, relations with provenance, sources)."""
    if fmt == "neo4j-import" and not output:
        raise InputError("--format neo4j-import writes a directory: give --output DIR")
    with open_store_from_cli(store_spec) as store:
        if fmt == "neo4j-import":
            from kg.export.neo4j_import import export_neo4j_import
            done = export_neo4j_import(store, output, max(page_size, 1000))
            click.echo(f"wrote {done['nodes']} nodes and {done['relationships']} relationships "
                       f"in {len(done['files'])} files to {output}; import with "
                       f"{output}/import.sh (neo4j-admin database import full), then run "
                       f"{output}/after-import.cypher", err=True)
            return
        if fmt in ("turtle", "jsonld"):
            from kg.export.rdf import export_rdf
            with _output(output, binary=False) as out:
                triples = export_rdf(store, out, fmt, page_size)
            if output:
                click.echo(f"wrote {triples} triples to {output}", err=True)
            return
        from kg.export.networkx import load_graph, write_graphml, write_node_link
        g = load_graph(store, page_size)
    with _output(output, binary=fmt == "graphml") as out:
        (write_graphml if fmt == "graphml" else write_node_link)(g, out)
    if output:
        click.echo(f"wrote {g.number_of_nodes()} nodes and {g.number_of_edges()} edges "
                   f"to {output}", err=True)


@click.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1))
@click.option("--lineage", "lineage_of", metavar="NAME",
              help="Also print the lineage DAG of NAME as Graphviz DOT.")
@click.option("--dot", "dot_path", metavar="FILE", help="Write the DOT to FILE, not stdout.")
@store_option
@format_option
@handle_errors
def analyze(top: int, lineage_of: str | None, dot_path: str | None, store_spec: str | None,
            fmt: str) -> None:
    """Most-implemented architectures, most-depended-on libraries (BUILT_ON in-degree,
    PageRank), organizations by releases; optionally an entity's lineage as DOT."""
    from kg.export.networkx import analyze as run_analysis, find_node, lineage_dag, to_dot
    from kg.export.networkx import load_graph
    with open_store_from_cli(store_spec) as store:
        g = load_graph(store)
    report = run_analysis(g, top)
    dot = None
    if lineage_of:
        node = find_node(g, lineage_of)
        if node is None:
            raise InputError(f"no entity is called {lineage_of!r}")
        dot = to_dot(lineage_dag(g, node), highlight=node)
    if fmt == "json":
        click.echo(json.dumps(report | ({"lineage_dot": dot} if dot and not dot_path else {}),
                              indent=2, ensure_ascii=False))
    else:
        for section, rows in report.items():
            click.echo(f"\n{section.replace('_', ' ')}")
            echo_rows(rows, "table")
        if dot and not dot_path:
            click.echo("\nlineage of " + lineage_of)
            click.echo(dot)
    if dot and dot_path:
        with open(dot_path, "w", encoding="utf-8") as f:
            f.write(dot)
        click.echo(f"wrote the lineage DAG of {lineage_of} to {dot_path}", err=True)


COMMANDS = [export, analyze]
