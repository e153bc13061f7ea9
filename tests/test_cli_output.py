"""`kg query`, `kg cypher`, `kg search`: every --format parses back to the same rows,
--limit cuts, and an unknown name exits 2 with the API's suggestions. Both stores."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from api_support import make_client
from kg.cli import main
from sample_graph import sample_batch

MIXER_LIBRARIES = [{"library": "PyTorch"}, {"library": "TensorFlow"}, {"library": "timm"}]


def _kg(*args: str):
    # click 8.2 keeps stderr apart: notes (a cut-off result) never mix with the rows
    return CliRunner().invoke(main, list(args))


def _parse(fmt: str, text: str) -> list[dict]:
    if fmt == "json":
        return json.loads(text)
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    return list(csv.DictReader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))


@pytest.fixture
def loaded(graph_store, store_spec):
    graph_store.upsert(sample_batch())
    return store_spec


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_query_formats_parse_back(loaded, fmt):
    result = _kg("query", "implementations", "-p", "name=MLP Mixer", "--store", loaded,
                 "--format", fmt)
    assert result.exit_code == 0, result.output + result.stderr
    assert _parse(fmt, result.stdout) == MIXER_LIBRARIES


def test_query_table_format(loaded):
    result = _kg("query", "implementations", "-p", "name=MLP Mixer", "--store", loaded)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any("library" in line for line in lines[:3])
    assert [name for name in ("PyTorch", "TensorFlow", "timm") if name in result.stdout] == \
        ["PyTorch", "TensorFlow", "timm"]


def test_query_limit_cuts_and_says_so(loaded):
    result = _kg("query", "implementations", "-p", "name=MLP Mixer", "--store", loaded,
                 "--format", "jsonl", "--limit", "2")
    assert result.exit_code == 0
    assert _parse("jsonl", result.stdout) == MIXER_LIBRARIES[:2]
    assert "first 2 rows" in result.stderr


def test_csv_of_lists_and_commas_round_trips(loaded):
    # a path's nodes are a list: one JSON cell, quoted because it holds commas
    result = _kg("query", "path", "-p", "from=functorch", "-p", "to=TSMixer", "--store", loaded,
                 "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = _parse("csv", result.stdout)
    assert len(rows) == 1
    assert json.loads(rows[0]["nodes"]) == ["functorch", "PyTorch", "MLP-Mixer", "TSMixer"]
    assert rows[0]["length"] == "3"


def test_csv_without_rows_still_has_the_header(loaded):
    result = _kg("query", "implementations", "-p", "name=TSMixer", "--store", loaded,
                 "--format", "csv")
    assert result.exit_code == 0 and result.stdout == "library\n"


def test_unknown_name_exits_2_with_the_apis_suggestions(loaded, graph_store):
    result = _kg("query", "developers", "-p", "name=Greykit", "--store", loaded,
                 "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "no entity is called 'Greykit'" in result.stderr
    with make_client(graph_store) as client:
        api = client.get("/lineage/developers", params={"name": "Greykit"}).json()
    expected = ", ".join(f"{s['name']} ({s['label']})" for s in api["suggestions"])
    assert api["suggestions"] and f"did you mean: {expected}?" in result.stderr
    path = _kg("query", "path", "-p", "from=functorch", "-p", "to=Tensorflw", "--store", loaded)
    assert path.exit_code == 2 and "(to)" in path.stderr and "TensorFlow (Library)" in path.stderr


def test_a_leading_article_resolves_as_in_the_api(loaded):
    result = _kg("query", "developers", "-p", "name=the GreyKite", "--store", loaded,
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"developer": "LinkedIn", "label": "Organization"}]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_cypher_formats_and_limit(loaded, fmt):
    result = _kg("cypher", "MATCH (n:Library) RETURN n.name AS name ORDER BY name",
                 "--store", loaded, "--format", fmt, "--limit", "3")
    assert result.exit_code == 0, result.stderr
    assert _parse(fmt, result.stdout) == [{"name": "GreyKite"}, {"name": "JAX"},
                                          {"name": "PyTorch"}]
    assert "first 3 rows" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_search_matches_the_api(loaded, graph_store, fmt):
    result = _kg("search", "pytorch", "--store", loaded, "--format", fmt, "--limit", "5")
    assert result.exit_code == 0, result.stderr
    rows = _parse(fmt, result.stdout)
    with make_client(graph_store) as client:
        api = client.get("/search", params={"q": "pytorch", "limit": 5}).json()["results"]
    assert [(r["name"], r["label"], r["url"]) for r in rows] == \
        [(r["name"], r["label"], r["url"]) for r in api]
    assert rows[0]["name"] == "PyTorch"


def test_search_by_type_and_nothing_found(loaded):
    typed = _kg("search", "Mixer", "--type", "Architecture", "--store", loaded,
                "--format", "json")
    assert typed.exit_code == 0, typed.stderr
    assert {r["label"] for r in json.loads(typed.stdout)} == {"Architecture"}
    bad_type = _kg("search", "Mixer", "--type", "Gadget", "--store", loaded)
    assert bad_type.exit_code == 2
    nothing = _kg("search", "zzqx", "--store", loaded)
    assert nothing.exit_code == 2 and "no entity is called 'zzqx'" in nothing.stderr


def test_bad_format_and_limit_are_usage_errors():
    assert _kg("query", "implementations", "--format", "xml").exit_code == 2
    assert _kg("search", "x", "--limit", "0").exit_code == 2
