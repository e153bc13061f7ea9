"""Document origin as context: a library's own docs pages (real passages of timm,
PyTorch Geometric, Stable-Baselines3 and Diffusers docs) give IMPLEMENTS(library →
the architecture the page documents), and only that one."""
from __future__ import annotations

import pytest

from ingest.extract.origin import library_of
from ingest.pipeline import Ingestor
from ingest.sources import read_docs_jsonl
from kg.models import Document
from recorded import FIXTURES

PASSAGES = FIXTURES / "library-docs" / "passages.jsonl"


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


@pytest.fixture(scope="module")
def implements(extractor):
    out = {}
    for doc in read_docs_jsonl(PASSAGES):
        ex = extractor.extract(doc)
        out[doc.id] = {(r.head.name, r.tail.name, r.evidence.extractor, r.evidence.confidence)
                       for r in ex.relations if r.type == "IMPLEMENTS"}
    return out


@pytest.mark.parametrize("url, repository, library", [
    ("https://huggingface.co/docs/timm/models/densenet", None, "timm"),
    ("https://github.com/pyg-team/pytorch_geometric#implemented-gnn-models", None, "PyTorch Geometric"),
    ("https://stable-baselines3.readthedocs.io/en/master/modules/ppo.html", None, "Stable-Baselines3"),
    ("https://huggingface.co/docs/diffusers/api/pipelines/audioldm2", None, "Diffusers"),
    (None, "huggingface/pytorch-image-models", "timm"),
    ("https://example.org/blog/densenet", None, None),
    ("https://github.com/someone/unknown-repo", None, None),
])
def test_library_from_url_or_repository(url, repository, library):
    assert library_of(Document(id="d", kind="docs", text="", url=url, repository=repository)) == library


def test_reader_records_the_repository_from_source():
    docs = {d.id: d for d in read_docs_jsonl(PASSAGES)}
    assert docs["docs-timm-2e78427b2f"].repository == "huggingface/pytorch-image-models"
    assert docs["docs-pytorch_geometric-cb1efab9a6"].repository == "pyg-team/pytorch_geometric"


@pytest.mark.parametrize("doc_id, library, architecture", [
    ("docs-timm-2e78427b2f", "timm", "DenseNet"),
    ("docs-timm-b780fa9fd0", "timm", "Big Transfer"),
    ("docs-timm-e0cd1564dc", "timm", "Dual Path Network"),
    ("docs-pytorch_geometric-cb1efab9a6", "PyTorch Geometric", "GCNConv"),
    ("docs-pytorch_geometric-4b6384ae09", "PyTorch Geometric", "GATConv"),
    ("docs-stable-baselines3-de58e19760", "Stable-Baselines3", "DQN"),
    ("docs-stable-baselines3-3203ce3128", "Stable-Baselines3", "PPO"),   # "- Original paper: <…>": the title
    ("docs-diffusers-abb794bdbb", "Diffusers", "AudioLDM 2"),
    ("docs-diffusers-12e814e3b3", "Diffusers", "Consistency Models"),
])
def test_docs_page_gives_implements(implements, doc_id, library, architecture):
    assert (library, architecture, "docs-origin", 0.9) in implements[doc_id]


def test_only_the_documented_architecture(implements):
    # the DPN page also names ResNets and DenseNet: timm implements DPN here, not them
    assert {t for _, t, _, _ in implements["docs-timm-e0cd1564dc"]} == {"Dual Path Network"}
    # the DQN page names Fitted Q-Iteration as what DQN builds on
    assert {t for _, t, _, _ in implements["docs-stable-baselines3-de58e19760"]} == {"DQN"}
    # HER is not a known name and not found in its text: no guess from the methods it lists
    assert implements["docs-stable-baselines3-d134eea233"] == set()


def test_same_text_without_a_docs_origin_gives_nothing(extractor):
    doc = next(d for d in read_docs_jsonl(PASSAGES) if d.id == "docs-timm-2e78427b2f")
    for changed in (dict(kind="newsletter"), dict(url="https://example.org/densenet", repository=None)):
        other = Document(**{**{f: getattr(doc, f) for f in ("id", "kind", "text", "title", "url",
                                                              "repository")}, **changed})
        assert not [r for r in extractor.extract(other).relations if r.type == "IMPLEMENTS"]


def test_implementations_query_on_store(graph_store, extractor):
    report = Ingestor(graph_store, extractor).ingest_paths([str(PASSAGES)])
    assert report.loaded == 15 and report.errors == 0
    libs = lambda name: {r["library"] for r in graph_store.run_query("implementations", {"name": name})}
    assert libs("DenseNet") == {"timm"}
    assert libs("GCNConv") == {"PyTorch Geometric"}
    assert libs("PPO") == {"Stable-Baselines3"}
    assert libs("AudioLDM 2") == {"Diffusers"}
