"""The store contract: both backends, same fixture graph, same answers."""
from __future__ import annotations

import pytest

from kg.errors import QueryError, ReadOnlyViolation, SchemaError, StoreError
from kg.models import Entity, EntityRef, Evidence, GraphBatch, Relation
from kg.store.writes import entity_statements, relation_statements
from graph_dump import dump_graph as _dump
from sample_graph import sample_batch

# Every named query with parameters, and what the sample graph must answer.
EXPECTED = [
    ("implementations", {"name": "MLP-Mixer"},
     [{"library": "PyTorch"}, {"library": "TensorFlow"}, {"library": "timm"}]),
    ("implementations", {"name": "2105.01601"},
     [{"library": "PyTorch"}, {"library": "TensorFlow"}, {"library": "timm"}]),
    ("upstream", {"name": "functorch"}, [{"name": "PyTorch", "label": "Library", "depth": 1}]),
    ("upstream", {"name": "TSMixer"}, [{"name": "MLP-Mixer", "label": "Architecture", "depth": 1}]),
    ("downstream", {"name": "PyTorch"},
     [{"name": "PyTorch3D", "label": "Library", "depth": 1},
      {"name": "functorch", "label": "Library", "depth": 1},
      {"name": "timm", "label": "Library", "depth": 1}]),
    ("developers", {"name": "GreyKite"}, [{"developer": "LinkedIn", "label": "Organization"}]),
    ("introduced_in", {"name": "MLP-Mixer"},
     [{"paper": "MLP-Mixer: An all-MLP Architecture for Vision", "arxiv_id": "2105.01601"}]),
    ("releases", {"organization": "Meta AI"},
     [{"artifact": "PyTorch", "label": "Library"}, {"artifact": "functorch", "label": "Library"}]),
    ("mentions", {"name": "functorch"},
     [{"source": "functorch", "url": "https://example.org/issue-1#functorch",
       "published": "2021-05-10", "snippet": "functorch is a PyTorch based library."}]),
    ("path", {"from": "functorch", "to": "TSMixer"},
     [{"nodes": ["functorch", "PyTorch", "MLP-Mixer", "TSMixer"],
       "relations": ["BUILT_ON", "IMPLEMENTS", "BUILT_ON"], "length": 3}]),
    ("path", {"from": "GreyKite", "to": "MLP-Mixer"}, []),
    # the shortest of several paths (PyTorch3D → PyTorch → MLP-Mixer ← TSMixer, not longer ones)
    ("path", {"from": "PyTorch3D", "to": "TSMixer"},
     [{"nodes": ["PyTorch3D", "PyTorch", "MLP-Mixer", "TSMixer"],
       "relations": ["BUILT_ON", "IMPLEMENTS", "BUILT_ON"], "length": 3}]),
    ("path", {"from": "PyTorch", "to": "TSMixer"},
     [{"nodes": ["PyTorch", "MLP-Mixer", "TSMixer"], "relations": ["IMPLEMENTS", "BUILT_ON"], "length": 2}]),
]


@pytest.fixture
def loaded(graph_store):
    graph_store.upsert(sample_batch())
    return graph_store


@pytest.mark.parametrize("name,params,rows", EXPECTED, ids=lambda v: str(v)[:40])
def test_named_query_answers(loaded, name, params, rows):
    assert loaded.run_query(name, params) == rows


def test_the_path_query_runs_as_written(loaded):
    # the analysts' way: the rendered text with its parameters, no store-side deepening
    # (FalkorDB wants every parameter the text names: $path_length null searches to the bound)
    from queries import get
    from kg.keys import normalize_name
    text = get("path").render(loaded.fragments)
    params = {"from_key": normalize_name("functorch"), "to_key": normalize_name("TSMixer"),
              "include_rejected": False, "path_length": None}
    assert loaded.read(text, params) == loaded.run_query("path", {"from": "functorch", "to": "TSMixer"})


def test_neighbors_lists_both_directions_with_support(loaded):
    rows = loaded.run_query("neighbors", {"name": "MLP-Mixer"})
    as_tuples = {(r["relation"], r["direction"], r["neighbor"], r["support"]) for r in rows}
    assert ("IMPLEMENTS", "in", "PyTorch", 2) in as_tuples
    assert ("TRAINED_ON", "out", "JFT-300M", 1) in as_tuples
    assert ("DEVELOPED_BY", "out", "Google", 1) in as_tuples
    assert len(rows) == 6


@pytest.mark.parametrize("spelling", ["mlp mixer", "MLP_MIXER", " Mlp-Mixer ", "mlp‐mixer"])
def test_name_resolves_through_aliases_case_and_punctuation(loaded, spelling):
    assert {"library": "PyTorch"} in loaded.run_query("implementations", {"name": spelling})


def test_alias_reaches_the_entity(loaded):
    assert loaded.run_query("upstream", {"name": "functorch"}) == \
        loaded.run_query("upstream", {"name": "FuncTorch"})
    assert loaded.run_query("downstream", {"name": "torch"})[0]["name"] == "PyTorch3D"


def test_search_is_prefix_and_typo_tolerant(loaded):
    assert loaded.run_query("search", {"q": "pytorh"})[0]["name"] == "PyTorch"
    names = [r["name"] for r in loaded.run_query("search", {"q": "mlp", "label": "Architecture"})]
    assert names == ["MLP-Mixer"]


def test_upsert_is_idempotent(graph_store):
    graph_store.upsert(sample_batch(), seen="2026-01-01T00:00:00+00:00")
    counts, dump = graph_store.counts(), _dump(graph_store)
    graph_store.upsert(sample_batch(), seen="2026-02-01T00:00:00+00:00")
    assert graph_store.counts() == counts
    assert _dump(graph_store) == dump
    last_seen = graph_store.read("MATCH (n:Library {key: 'pytorch'}) RETURN n.last_seen AS s")
    assert last_seen == [{"s": "2026-02-01T00:00:00+00:00"}]
    first_seen = graph_store.read("MATCH (n:Library {key: 'pytorch'}) RETURN n.first_seen AS s")
    assert first_seen == [{"s": "2026-01-01T00:00:00+00:00"}]


def _support(store, head: str, tail: str) -> dict:
    return store.read("MATCH (:Library {key: $h})-[r:IMPLEMENTS]->(:Architecture {key: $t}) "
                      "RETURN r.support AS support, r.sources AS sources, "
                      "r.evidence AS evidence, r.confidence AS confidence",
                      {"h": head, "t": tail})[0]


def test_support_counts_distinct_sources_not_loads(graph_store):
    graph_store.upsert(sample_batch())
    assert _support(graph_store, "pytorch", "mlpmixer")["support"] == 2
    lib, arch = Entity("Library", "PyTorch"), Entity("Architecture", "MLP-Mixer")
    again = Relation("IMPLEMENTS", EntityRef.of(lib), EntityRef.of(arch),
                     Evidence("news-08-mlp-mixer", "again", "x", "2", 0.99))
    new = Relation("IMPLEMENTS", EntityRef.of(lib), EntityRef.of(arch),
                   Evidence("blog-1", "PyTorch ships MLP-Mixer.", "x", "2", 0.5))
    graph_store.upsert(GraphBatch(entities=[lib, arch], relations=[again, again]))
    assert _support(graph_store, "pytorch", "mlpmixer")["support"] == 2
    graph_store.upsert(GraphBatch(entities=[lib, arch], relations=[new]))
    rel = _support(graph_store, "pytorch", "mlpmixer")
    assert rel["support"] == 3
    assert rel["sources"][-1] == "blog-1" and rel["evidence"][-1] == "PyTorch ships MLP-Mixer."
    assert rel["confidence"] == pytest.approx(0.99)  # the best evidence wins


def test_relation_carries_provenance(loaded):
    row = loaded.read("MATCH (:Library {key: 'functorch'})-[r:BUILT_ON]->() "
                      "RETURN properties(r) AS p")[0]["p"]
    assert row["sources"] == ["news-11-functorch"]
    assert row["evidence"] == ["functorch is a PyTorch based library."]
    assert row["extractor"] == "fixture" and row["extractor_version"] == "1"
    assert row["support"] == 1 and row["first_seen"] and row["last_seen"]
    source = loaded.read("MATCH (s:Source {id: 'news-11-functorch'})-[:MENTIONS]->(n) "
                         "RETURN s.url AS url, s.content_hash AS h, n.name AS name")
    assert source == [{"url": "https://example.org/issue-1#functorch", "h": "h2",
                       "name": "functorch"}]


def test_paper_keyed_by_arxiv_id_and_aliases_searchable(loaded):
    paper = loaded.read("MATCH (p:Paper) RETURN p.key AS key, p.arxiv_id AS id")
    assert paper == [{"key": "arxiv:2105.01601", "id": "2105.01601"}]
    aliases = loaded.read("MATCH (n:Library {key: 'tensorflow'}) RETURN n.aliases AS a")
    assert aliases == [{"a": ["Tensorflow", "TF"]}]


WRITES = [
    "CREATE (:Library {key: 'evil'})",
    "MATCH (n:Library) SET n.name = 'pwned'",
    "MATCH (n) DETACH DELETE n",
    "MERGE (n:Library {key: 'evil'})",
    "MATCH (n:Library) REMOVE n.name",
    "MATCH (n:Library {key: 'pytorch'}) SET n:Owned",
    "MATCH (a:Library), (b:Library) CREATE (a)-[:OWNS]->(b)",
]


@pytest.mark.parametrize("query", WRITES)
def test_read_only_cypher_refuses_writes(loaded, query):
    before = _dump(loaded)
    with pytest.raises(ReadOnlyViolation):
        loaded.read_only(query)
    assert _dump(loaded) == before


def test_read_only_cypher_reads_with_row_limit(loaded):
    rows = loaded.read_only("MATCH (n:Library) RETURN n.name AS name ORDER BY name", limit=3)
    assert [r["name"] for r in rows] == ["GreyKite", "JAX", "PyTorch"]


def test_bad_cypher_is_a_store_error(loaded):
    with pytest.raises(StoreError):
        loaded.read_only("MATCH (n RETURN n")


@pytest.mark.parametrize("payload", [
    "Library) DETACH DELETE n //", "Library`) MATCH (m) DETACH DELETE m //", "Entity", "Source"])
def test_label_outside_allowlist_is_rejected(payload):
    with pytest.raises(SchemaError):
        Entity(payload, "x")


@pytest.mark.parametrize("payload", ["IMPLEMENTS]->() DETACH DELETE n //", "MENTIONS", "OWNS"])
def test_relation_type_outside_allowlist_is_rejected(payload):
    a, b = EntityRef("Library", "a", "A"), EntityRef("Architecture", "b", "B")
    with pytest.raises(SchemaError):
        Relation(payload, a, b, Evidence("s", "", "x", "1", 1.0))


def test_write_builders_recheck_the_allowlist():
    """A value forged past the constructor is still refused before reaching Cypher."""
    entity = Entity("Library", "x")
    object.__setattr__(entity, "label", "Library) DETACH DELETE n //")
    with pytest.raises(SchemaError):
        list(entity_statements([entity], "now", 10))
    rel = Relation("IMPLEMENTS", EntityRef("Library", "a"), EntityRef("Architecture", "b"),
                   Evidence("s", "", "x", "1", 1.0))
    rel.type = "IMPLEMENTS]->() DETACH DELETE n //"
    with pytest.raises(SchemaError):
        list(relation_statements([rel], "now", 10))


def test_relation_endpoints_follow_the_schema():
    with pytest.raises(SchemaError):
        Relation("IMPLEMENTS", EntityRef("Organization", "g"), EntityRef("Architecture", "b"),
                 Evidence("s", "", "x", "1", 1.0))


def test_parameter_values_never_become_cypher(loaded):
    before = _dump(loaded)
    rows = loaded.run_query("implementations", {"name": "x'}) DETACH DELETE n //"})
    assert rows == [] and _dump(loaded) == before


def test_named_query_parameters_are_checked(loaded):
    with pytest.raises(QueryError, match="needs parameter"):
        loaded.run_query("implementations", {})
    with pytest.raises(QueryError, match="no parameter"):
        loaded.run_query("implementations", {"name": "x", "nme": "y"})
    with pytest.raises(QueryError, match="unknown query"):
        loaded.run_query("drop_everything", {})
    with pytest.raises(QueryError, match="integer"):
        loaded.run_query("upstream", {"name": "x", "max_depth": "ten"})


def test_schema_creation_is_idempotent(loaded):
    loaded.ensure_schema()
    loaded.ensure_schema()
    assert loaded.run_query("developers", {"name": "GreyKite"})[0]["developer"] == "LinkedIn"


def test_source_nodes_carry_kind_url_published_hash(loaded):
    rows = loaded.read("MATCH (s:Source) RETURN s.id AS id, s.kind AS kind, "
                       "s.published AS published, s.content_hash AS h ORDER BY id")
    assert rows[0] == {"id": "arxiv:2105.01601", "kind": "arxiv", "published": "2021-05-04",
                       "h": "h3"}
    assert len(rows) == 3


@pytest.mark.parametrize("params", [{"": 1}, {"a`b": 1}, {"p": {"": 1}}, {"n": 2 ** 64 + 1},
                                    {"n": [1, -(2 ** 63) - 1]}])
def test_read_only_refuses_parameters_no_database_takes(loaded, params):
    with pytest.raises(QueryError):
        loaded.read_only("RETURN 1 AS x", params)


@pytest.mark.parametrize("q", ["¡", "-", "()", ""])
def test_search_with_nothing_searchable_is_empty(loaded, q):
    assert loaded.run_query("search", {"q": q or " "}) == []
