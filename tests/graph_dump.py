"""A store's whole content as sorted lines, for "nothing changed" and "same graph" checks."""
from __future__ import annotations

import json


def dump_graph(store, *, ignore: tuple[str, ...] = ("last_seen",),
               unordered_support: bool = False) -> list[str]:
    """Every node (but IngestRun records) and edge with its properties, less the
    ``ignore``d ones. ``unordered_support`` compares a relation's sources and
    evidence as a set of pairs: the facts, not their order of arrival."""
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun "
                       "RETURN labels(n) AS labels, properties(n) AS props")
    edges = store.read("MATCH (a)-[r]->(b) RETURN coalesce(a.key, a.id, a.norm) AS a, "
                       "type(r) AS type, properties(r) AS props, coalesce(b.key, b.id) AS b")
    out = []
    for row in nodes + edges:
        props = {k: v for k, v in row["props"].items() if k not in ignore}
        if unordered_support and "sources" in props:
            props["support_pairs"] = sorted(zip(props.pop("sources"), props.pop("evidence")))
        row = {**row, "props": props, "labels": sorted(row.get("labels", []))}
        out.append(json.dumps(row, sort_keys=True, default=str))
    return sorted(out)
