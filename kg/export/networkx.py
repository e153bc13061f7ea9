"""The graph as a networkx ``MultiDiGraph``: GraphML and node-link JSON exports, and
the analytics behind ``kg analyze``.

Nodes are ``"<Label>/<key>"`` with their properties (lists joined with `` | `` for
GraphML, which only holds scalars); edges carry ``relation`` plus their properties.
The graph is read page by page (``export_nodes`` / ``export_edges``).
"""
from __future__ import annotations

import json
from collections import Counter
from typing import IO

import networkx as nx

from kg.export import pages
from kg.keys import normalize_name

LINEAGE_RELATIONS = ("BUILT_ON", "IMPLEMENTS", "INTRODUCES", "USES", "DEVELOPED_BY")


def node_id(label: str, key: str) -> str:
    return f"{label}/{key}"


def load_graph(store, page_size: int = 1000) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for rows in pages(store, "export_nodes", page_size):
        for row in rows:
            g.add_node(node_id(row["label"], row["key"]), **row["props"])
    for rows in pages(store, "export_edges", page_size):
        for row in rows:
            g.add_edge(node_id(row["head_label"], row["head_key"]),
                       node_id(row["tail_label"], row["tail_key"]),
                       key=row["relation"], relation=row["relation"], **(row["props"] or {}))
    return g


def _scalar(value):
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    if value is None:
        return ""
    return value


def write_graphml(g: nx.MultiDiGraph, out: IO[bytes]) -> None:
    flat = nx.MultiDiGraph()
    for n, data in g.nodes(data=True):
        flat.add_node(n, **{k: _scalar(v) for k, v in data.items()})
    for a, b, k, data in g.edges(keys=True, data=True):
        flat.add_edge(a, b, key=k, **{k2: _scalar(v) for k2, v in data.items()})
    nx.write_graphml(flat, out)


def write_node_link(g: nx.MultiDiGraph, out: IO[str]) -> None:
    json.dump(nx.node_link_data(g, edges="edges"), out, ensure_ascii=False, indent=1,
              default=str)


# -- analytics --------------------------------------------------------------------------------
def _in_degree(g: nx.MultiDiGraph, relation: str, label: str | None = None) -> Counter:
    counts: Counter = Counter()
    for _a, b, data in g.edges(data=True):
        if data.get("relation") == relation and (
                label is None or g.nodes[b].get("label") == label):
            counts[b] += 1
    return counts


def pagerank(g: nx.DiGraph, alpha: float = 0.85, tol: float = 1e-10,
             max_iter: int = 200) -> dict:
    """Power-iteration PageRank (networkx's needs scipy, which mlkg does not ship)."""
    nodes = list(g)
    if not nodes:
        return {}
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    out_degree = {v: g.out_degree(v) for v in nodes}
    for _ in range(max_iter):
        dangling = alpha * sum(rank[v] for v in nodes if out_degree[v] == 0) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for v in nodes:
            if out_degree[v]:
                share = alpha * rank[v] / out_degree[v]
                for w in g.successors(v):
                    new[w] += share
        if sum(abs(new[v] - rank[v]) for v in nodes) < n * tol:
            return new
        rank = new
    return rank


def analyze(g: nx.MultiDiGraph, top: int = 10) -> dict[str, list[dict]]:
    name = lambda n: g.nodes[n].get("name", n)  # noqa: E731
    implemented = _in_degree(g, "IMPLEMENTS", "Architecture")
    depended = _in_degree(g, "BUILT_ON", "Library")
    built_on = nx.DiGraph()
    built_on.add_nodes_from(n for n, d in g.nodes(data=True) if d.get("label") == "Library")
    built_on.add_edges_from((a, b) for a, b, d in g.edges(data=True)
                            if d.get("relation") == "BUILT_ON" and a in built_on and b in built_on)
    ranks = pagerank(built_on)
    releases = _in_degree(g, "DEVELOPED_BY", "Organization")
    return {
        "most_implemented_architectures": [
            {"architecture": name(n), "implementations": c}
            for n, c in sorted(implemented.items(), key=lambda x: (-x[1], name(x[0])))[:top]],
        "most_depended_on_libraries": [
            {"library": name(n), "built_on_by": depended.get(n, 0),
             "pagerank": round(ranks.get(n, 0.0), 4)}
            for n in sorted(built_on, key=lambda n: (-depended.get(n, 0), -ranks.get(n, 0),
                                                     name(n)))[:top]
            if depended.get(n, 0)],
        "libraries_by_pagerank": [
            {"library": name(n), "pagerank": round(r, 4)}
            for n, r in sorted(ranks.items(), key=lambda x: (-x[1], name(x[0])))[:top]],
        "organizations_by_releases": [
            {"organization": name(n), "releases": c}
            for n, c in sorted(releases.items(), key=lambda x: (-x[1], name(x[0])))[:top]],
    }


def find_node(g: nx.MultiDiGraph, text: str) -> str | None:
    """The node whose name, alias, key or arXiv id normalizes like ``text``."""
    want = normalize_name(text)
    for n, data in g.nodes(data=True):
        spellings = [data.get("name", ""), *(data.get("aliases") or []),
                     data.get("key", ""), data.get("arxiv_id") or ""]
        if want in {normalize_name(str(s)) for s in spellings if s}:
            return n
    return None


def lineage_dag(g: nx.MultiDiGraph, node: str) -> nx.MultiDiGraph:
    """The entity with everything it descends from and everything descending from it
    over the lineage relations (BUILT_ON, IMPLEMENTS, INTRODUCES, USES, DEVELOPED_BY)."""
    sub = nx.MultiDiGraph()
    sub.add_nodes_from(g.nodes(data=True))
    sub.add_edges_from((a, b, k, d) for a, b, k, d in g.edges(keys=True, data=True)
                       if d.get("relation") in LINEAGE_RELATIONS)
    keep = {node} | nx.descendants(sub, node) | nx.ancestors(sub, node)
    return sub.subgraph(keep).copy()


def to_dot(g: nx.MultiDiGraph, highlight: str | None = None) -> str:
    """DOT text (Graphviz) for a small graph; no pydot needed."""
    def q(text) -> str:
        return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box, fontname=Helvetica];"]
    for n, data in sorted(g.nodes(data=True)):
        attrs = f'label={q(data.get("name", n))[:-1]}\\n{data.get("label", "")}"'
        if n == highlight:
            attrs += ", style=filled, fillcolor=lightyellow"
        lines.append(f"  {q(n)} [{attrs}];")
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"])):
        lines.append(f"  {q(a)} -> {q(b)} [label={q(data['relation'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
