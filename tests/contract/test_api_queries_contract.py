"""The named queries added for the API and exports: same answers on both stores."""
from __future__ import annotations

import pytest

from sample_graph import sample_batch


@pytest.fixture
def loaded(graph_store):
    graph_store.upsert(sample_batch(), seen="2026-01-01T00:00:00+00:00")
    return graph_store


def test_resolve(loaded):
    assert loaded.run_query("resolve", {"name": "torch"}) == \
        [{"name": "PyTorch", "label": "Library", "key": "pytorch"}]
    assert loaded.run_query("resolve", {"name": "2105.01601"})[0]["label"] == "Paper"
    assert loaded.run_query("resolve", {"name": "nothing"}) == []


def test_entity(loaded):
    props = loaded.run_query("entity", {"label": "Library", "key": "timm"})[0]["props"]
    assert props["name"] == "timm" and props["repo"] == "huggingface/pytorch-image-models"
    assert props["first_seen"] == "2026-01-01T00:00:00+00:00"
    assert loaded.run_query("entity", {"label": "Architecture", "key": "timm"}) == []


def test_entity_relations(loaded):
    rows = loaded.run_query("entity_relations", {"label": "Architecture", "key": "mlpmixer"})
    assert [(r["relation"], r["direction"], r["name"]) for r in rows] == [
        ("BUILT_ON", "in", "TSMixer"), ("DEVELOPED_BY", "out", "Google"),
        ("IMPLEMENTS", "in", "PyTorch"), ("IMPLEMENTS", "in", "TensorFlow"),
        ("INTRODUCES", "in", "MLP-Mixer: An all-MLP Architecture for Vision"),
        ("TRAINED_ON", "out", "JFT-300M")]
    pytorch = rows[2]
    assert pytorch["support"] == 2 and pytorch["key"] == "pytorch"
    assert pytorch["sources"] == ["news-08-mlp-mixer", "arxiv:2105.01601"]
    assert pytorch["evidence"][1] == "Official PyTorch implementations exist."
    assert pytorch["extractor"] == "fixture" and pytorch["extractor_version"] == "1"


def test_entity_sources(loaded):
    rows = loaded.run_query("entity_sources", {"label": "Architecture", "key": "mlpmixer"})
    assert [(r["id"], r["published"]) for r in rows] == [
        ("news-08-mlp-mixer", "2021-05-10"), ("arxiv:2105.01601", "2021-05-04")]
    assert rows[0]["url"] == "https://example.org/issue-1#mixer"
    assert rows[1]["snippet"] == "We propose MLP-Mixer."
    # cited by relations only (no MENTIONS edge): snippet is null
    rows = loaded.run_query("entity_sources", {"label": "Organization", "key": "linkedin"})
    assert rows == [{"id": "news-11-functorch", "kind": "newsletter", "title": "functorch",
                     "url": "https://example.org/issue-1#functorch",
                     "published": "2021-05-10", "snippet": None}]
    assert loaded.run_query("entity_sources", {"label": "Library", "key": "jax"}) == []


def test_names(loaded):
    assert sorted(loaded.run_query("names", {"label": "Dataset"}), key=lambda r: r["name"]) == [
        {"name": "ImageNet", "label": "Dataset", "key": "imagenet", "aliases": ["ImageNet-1k"]},
        {"name": "JFT-300M", "label": "Dataset", "key": "jft300m", "aliases": []}]
    assert len(loaded.run_query("names", {})) == 18
    assert len(loaded.run_query("names", {"limit": 3})) == 3


def test_export_pages_cover_everything_once(loaded):
    nodes = [r for skip in range(0, 20, 7)
             for r in loaded.run_query("export_nodes", {"skip": skip, "limit": 7})]
    assert len(nodes) == 18 and len({(r["label"], r["key"]) for r in nodes}) == 18
    assert nodes[0]["label"] == "Architecture" and "name" in nodes[0]["props"]
    edges = [r for skip in range(0, 20, 5)
             for r in loaded.run_query("export_edges", {"skip": skip, "limit": 5})]
    assert len(edges) == 16
    first = edges[0]
    assert (first["head_key"], first["relation"], first["tail_key"]) == \
        ("conformerctc", "USES", "multiheadattention")
    assert first["props"]["evidence"] == ["Conformer-CTC uses Multi-Head Attention."]
    sources = loaded.run_query("export_sources", {})
    assert [s["props"]["id"] for s in sources] == \
        ["arxiv:2105.01601", "news-08-mlp-mixer", "news-11-functorch"]
    assert sources[2]["mentions"] == [["Library", "functorch",
                                       "functorch is a PyTorch based library."]]
