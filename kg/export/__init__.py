"""Exports of the graph: RDF (Turtle, JSON-LD) in ``rdf``; GraphML, node-link JSON and
graph analytics in ``networkx``. Both read the store page by page through the
``export_nodes`` / ``export_edges`` / ``export_sources`` named queries."""
from __future__ import annotations

from collections.abc import Iterator

PAGE_SIZE = 1000


def pages(store, query: str, page_size: int = PAGE_SIZE) -> Iterator[list[dict]]:
    """Rows of an ``export_*`` named query, one page at a time."""
    skip = 0
    while True:
        rows = store.run_query(query, {"skip": skip, "limit": page_size})
        if rows:
            yield rows
        if len(rows) < page_size:
            return
        skip += page_size
