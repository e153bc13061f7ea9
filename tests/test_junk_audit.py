"""bench/junk_audit.py: junk classes on real junk names from the issue, clean names
stay clean, and the audit of a graph in a store."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kg.models import Entity, GraphBatch, SourceDoc

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("junk_audit", ROOT / "bench" / "junk_audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


JA = _module()
PEOPLE = frozenset({"zhe gan", "yann lecun", "ann lee"})
GIVEN = frozenset({"yann", "ann", "zhe"})


@pytest.mark.parametrize("label, name, cls", [
    ("Architecture", "LLaMA2-13B. We", "fragment"), ("Dataset", "mIoU. We", "fragment"),
    ("Paper", "Results", "heading"), ("Paper", "References", "heading"), ("Paper", "What's new?", "heading"),
    ("Architecture", "abs/1909.08053", "url_part"), ("Library", "pdf/2211.06687.pdf", "url_part"),
    ("Person", "@karpathy", "user_name"), ("Person", "lucidrains", "user_name"),
    ("Architecture", "FP32", "unit_hardware"), ("Architecture", "kHz", "unit_hardware"),
    ("Architecture", "TPUv4", "unit_hardware"), ("Library", "A100", "unit_hardware"),
    ("Organization", "March", "month"), ("Architecture", "Lastly", "discourse"),
    ("Library", "Things", "discourse"), ("Organization", "Zhe Gan", "person_typed_otherwise"),
    ("Organization", "Ann Smith", "person_typed_otherwise"),
])
def test_junk_classes(label, name, cls):
    assert cls in JA.classify(label, name, person_names=PEOPLE, given_names=GIVEN)


@pytest.mark.parametrize("label, name", [
    ("Architecture", "LLaMA"), ("Architecture", "GPT-3.5"), ("Architecture", "ResNet-50"),
    ("Architecture", "Llama-2-7B"), ("Library", "PyTorch"), ("Organization", "Google Inc."),
    ("Organization", "Hugging Face"), ("Person", "Yann LeCun"), ("Dataset", "ImageNet-1k"),
    ("Paper", "MLP-Mixer: An all-MLP Architecture for Vision"),
    ("Paper", "Do Wide and Deep Networks Learn the Same Things?"),
    ("Library", "scikit-learn"), ("Architecture", "T5"), ("Dataset", "C4"), ("Architecture", "o1"),
    # a middle initial is not a full stop
    ("Person", "Alexei A. Efros"), ("Person", "Christopher D. Manning"),
])
def test_clean_names(label, name):
    assert JA.classify(label, name, person_names=PEOPLE, given_names=GIVEN) == set()


def test_audit_of_a_graph(graph_store):
    names = [("Architecture", "LLaMA"), ("Architecture", "LLaMA2-13B. We"), ("Paper", "References"),
             ("Library", "PyTorch"), ("Person", "Zhe Gan"), ("Organization", "Zhe Gan"),
             ("Architecture", "FP32"), ("Organization", "Google")]
    graph_store.upsert(GraphBatch(sources=[SourceDoc("s", "newsletter", None, None, "h")],
                                  entities=[Entity(lab, n) for lab, n in names]))
    report = JA.audit(JA.entity_nodes(graph_store, page=3))
    assert report["nodes"] == 8 and report["junk"] == 4 and report["junk_share"] == 0.5
    assert report["heading_papers"] == 1
    assert report["classes"]["person_typed_otherwise"]["examples"] == ["Organization: Zhe Gan"]
    assert report["by_label"]["Architecture"] == {"nodes": 3, "junk": 2, "share": 0.6667}
