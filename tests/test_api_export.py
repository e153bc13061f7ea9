"""Exports: Turtle round-trip with SPARQL, JSON-LD, GraphML, node-link JSON, and the
``kg export`` / ``kg analyze`` commands via click's CliRunner."""
from __future__ import annotations

import io
import json

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.export.networkx import analyze, find_node, lineage_dag, load_graph, to_dot
from kg.export.rdf import export_rdf
from sample_graph import sample_batch

IMPLEMENTS_MIXER = """
PREFIX mlkg: <https://mlkg.dev/ns#>
PREFIX schema: <https://schema.org/>
SELECT ?library WHERE {
  ?lib mlkg:implements ?arch .
  ?arch schema:name "MLP-Mixer" ; a mlkg:Architecture .
  ?lib schema:name ?library ; a schema:SoftwareSourceCode .
} ORDER BY ?library
"""

EVIDENCE = """
PREFIX mlkg: <https://mlkg.dev/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
SELECT ?support ?url WHERE {
  ?st rdf:subject ?lib ; rdf:predicate mlkg:implements ; rdf:object ?arch ;
      mlkg:support ?support ; prov:wasDerivedFrom ?src .
  ?lib schema:name "PyTorch" . ?arch schema:name "MLP-Mixer" .
  ?src schema:url ?url .
}
"""


@pytest.fixture
def loaded(graph_store):
    graph_store.upsert(sample_batch())
    return graph_store


@pytest.mark.parametrize("fmt,parse_as", [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_rdf_round_trip_and_sparql(loaded, fmt, parse_as):
    out = io.StringIO()
    triples = export_rdf(loaded, out, fmt, page_size=4)  # many pages
    g = rdflib.Graph()
    g.parse(data=out.getvalue(), format=parse_as)
    assert len(g) == triples
    assert [str(r.library) for r in g.query(IMPLEMENTS_MIXER)] == ["PyTorch", "TensorFlow"]
    rows = {(int(r.support), str(r.url)) for r in g.query(EVIDENCE)}
    assert rows == {(2, "https://example.org/issue-1#mixer"),
                    (2, "https://arxiv.org/abs/2105.01601")}


def test_networkx_graph_and_analysis(loaded):
    g = load_graph(loaded, page_size=5)
    assert (g.number_of_nodes(), g.number_of_edges()) == (18, 16)
    report = analyze(g)
    assert report["most_implemented_architectures"][0] == \
        {"architecture": "MLP-Mixer", "implementations": 2}
    assert report["most_depended_on_libraries"][0]["library"] == "PyTorch"
    assert report["most_depended_on_libraries"][0]["built_on_by"] == 3
    assert report["libraries_by_pagerank"][0]["library"] == "PyTorch"
    assert report["organizations_by_releases"][0] == {"organization": "Meta AI", "releases": 2}
    node = find_node(g, "mlp mixer")
    dag = lineage_dag(g, node)
    assert nx.is_directed_acyclic_graph(dag) and "Library/pytorch" in dag
    dot = to_dot(dag, node)
    assert dot.startswith("digraph lineage {") and '-> "Architecture/mlpmixer"' in dot


def test_cli_export_formats(loaded, store_spec, tmp_path):
    runner = CliRunner()
    for fmt in ("turtle", "jsonld", "graphml", "json"):
        path = tmp_path / f"graph.{fmt}"
        result = runner.invoke(main, ["export", "--format", fmt, "--output", str(path),
                                      "--store", store_spec])
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 0
    g = rdflib.Graph().parse(tmp_path / "graph.turtle", format="turtle")
    assert len(list(g.query(IMPLEMENTS_MIXER))) == 2
    graphml = nx.read_graphml(tmp_path / "graph.graphml")
    assert graphml.nodes["Library/pytorch"]["name"] == "PyTorch"
    data = json.loads((tmp_path / "graph.json").read_text())
    assert len(data["nodes"]) == 18 and len(data["edges"]) == 16
    stdout = runner.invoke(main, ["export", "--store", store_spec])
    assert stdout.exit_code == 0 and "mlkg:implements" in stdout.output


def test_cli_analyze(loaded, store_spec, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["analyze", "--store", store_spec, "--format", "json",
                                  "--lineage", "MLP-Mixer"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["organizations_by_releases"][0]["organization"] == "Meta AI"
    assert report["lineage_dot"].startswith("digraph")
    dot = tmp_path / "mixer.dot"
    result = runner.invoke(main, ["analyze", "--store", store_spec, "--lineage", "mlp mixer",
                                  "--dot", str(dot)])
    assert result.exit_code == 0 and "most implemented architectures" in result.output
    assert "IMPLEMENTS" in dot.read_text()
    missing = runner.invoke(main, ["analyze", "--store", store_spec, "--lineage", "nothing"])
    assert missing.exit_code != 0 and "no entity" in missing.output


def test_cli_lists_serve(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output
