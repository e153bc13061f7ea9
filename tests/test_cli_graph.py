"""`kg query`, `kg stats`, `kg cypher` against both real stores."""
from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main
from sample_graph import sample_batch


def _kg(*args: str):
    return CliRunner().invoke(main, list(args))


def test_query_implementations_as_json(graph_store, store_spec):
    graph_store.upsert(sample_batch())
    result = _kg("query", "implementations", "--param", "name=MLP Mixer", "--store", store_spec,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"library": "PyTorch"}, {"library": "TensorFlow"},
                                         {"library": "timm"}]


def test_query_table_and_bad_parameters(graph_store, store_spec):
    graph_store.upsert(sample_batch())
    table = _kg("query", "upstream", "-p", "name=functorch", "--store", store_spec)
    assert table.exit_code == 0 and "PyTorch" in table.output and "depth" in table.output
    missing = _kg("query", "upstream", "--store", store_spec)
    assert missing.exit_code == 2 and "needs parameter(s): name" in missing.output
    malformed = _kg("query", "upstream", "-p", "name", "--store", store_spec)
    assert malformed.exit_code == 2 and "key=value" in malformed.output


def test_stats_counts_labels_and_relation_types(graph_store, store_spec):
    graph_store.upsert(sample_batch())
    result = _kg("stats", "--store", store_spec, "--format", "json")
    counts = json.loads(result.output)
    assert counts["labels"]["Library"] == 7 and counts["relations"]["IMPLEMENTS"] == 3
    assert counts["relations"]["BUILT_ON"] == 4 and counts["provenance"]["Source"] == 3


def test_cypher_reads_and_refuses_writes(graph_store, store_spec):
    graph_store.upsert(sample_batch())
    read = _kg("cypher", "MATCH (n:Organization) RETURN n.name AS name ORDER BY name",
               "--store", store_spec, "--format", "json")
    assert json.loads(read.output) == [{"name": "Google"}, {"name": "LinkedIn"},
                                       {"name": "Meta AI"}]
    write = _kg("cypher", "MATCH (n:Library) DETACH DELETE n", "--store", store_spec)
    assert write.exit_code == 2 and "read-only" in write.output
    assert graph_store.stats()["labels"]["Library"] == 7


def test_bad_store_value_is_a_clear_error():
    result = _kg("stats", "--store", "http://localhost:7474")
    assert result.exit_code == 2 and "bolt://" in result.output
