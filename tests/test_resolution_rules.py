"""Identity rules that never merge (a short name into a longer one that contains it,
a person into a non-person, two arXiv ids, a size variant into its family) and
rules that must merge ("Full Name (ABBR)", "the X model"), in one document and
across documents on both stores."""
from __future__ import annotations

import pytest

from ingest.pipeline import Ingestor
from ingest.resolve import Resolver, abbreviates, compatible
from kg.models import Document, Entity, GraphBatch, SourceDoc


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _entities(extractor, text, kind="newsletter"):
    ex = extractor.extract(Document(id="t", kind=kind, text=text))
    return {(str(e.label), e.name): e.aliases for e in ex.entities}


@pytest.mark.parametrize("short, long_", [("BERT", "HuBERT"), ("DETR", "RT-DETR"), ("ViT", "GroupViT"),
                                          ("ViT", "ViViT"), ("CvT", "Vision Transformer"),
                                          ("GAN", "StyleGAN")])
def test_contained_or_unrelated_short_names_are_not_aliases(short, long_):
    assert not compatible(short, long_) and not compatible(long_, short)


@pytest.mark.parametrize("a, b", [("ViT", "Vision Transformer"), ("T5", "Text-to-Text Transfer Transformer"),
                                  ("HuBERT", "Hidden-Unit BERT"), ("BiT", "Big Transfer"),
                                  ("ViT-B/16", "ViT"), ("GANs", "GAN"), ("Meta AI", "Facebook AI"),
                                  ("Orca model", "Orca")])
def test_fitting_aliases(a, b):
    assert compatible(a, b)


def test_abbreviation_letters_in_order_from_the_first():
    assert abbreviates("ResNet", "Residual Network")
    assert not abbreviates("CvT", "Vision Transformer") and not abbreviates("TViT", "Vision Transformer")


def test_resolver_keeps_short_name_out_of_longer_cluster():
    r = Resolver()
    vit = r.add("Architecture", "Vision Transformer", aliases=["ViT", "ViT-B/16", "CvT"],
                canonical="Vision Transformer")
    assert r.add("Architecture", "CvT") != vit
    assert r.add("Architecture", "ViT-B/16") == vit and r.add("Architecture", "ViT") == vit
    hubert = r.add("Architecture", "HuBERT", aliases=["BERT"])
    assert r.add("Architecture", "BERT") != hubert


def test_names_one_letter_apart_stay_apart_in_a_document(extractor):
    """ResNet / ResNeXt / ResNeSt and PyTorch / GPyTorch are four things; none is
    another's alias (they were fuzzy-merged, and ResNeXt's mentions became ResNet's)."""
    got = _entities(extractor, "The block plugs into backbones such as ResNet, ResNeXt and ResNeSt. "
                               "GPyTorch is a Gaussian process library built on PyTorch.")
    names = {name for _label, name in got}
    assert {"ResNet", "ResNeXt", "ResNeSt", "GPyTorch", "PyTorch"} <= names
    for (_label, name), aliases in got.items():
        others = {"ResNet", "ResNeXt", "ResNeSt", "GPyTorch", "PyTorch"} - {name}
        assert not others & set(aliases), (name, aliases)


@pytest.mark.parametrize("variant, family", [("Llama-2-7B", "Llama 2"), ("ResNet-18", "ResNet"),
                                             ("FooNet-7B", "FooNet"), ("T5-11B", "T5")])
def test_size_variants_are_their_own_clusters(variant, family):
    r = Resolver()
    assert r.add("Architecture", family) != r.add("Architecture", variant)
    r2 = Resolver()   # either order
    assert r2.add("Architecture", variant) != r2.add("Architecture", family)


def test_model_suffix_folds():
    r = Resolver()
    assert r.add("Architecture", "Orca model") == r.add("Architecture", "Orca")


def test_two_arxiv_ids_never_merge():
    r = Resolver()
    a = r.add("Paper", "Attention Is All You Need", props={"arxiv_id": "1706.03762"})
    b = r.add("Paper", "Attention Is All You Need", props={"arxiv_id": "2101.00001"})
    c = r.add("Paper", "Attention is all you need")
    assert a != b and c == a


def test_convolutional_vision_transformer_is_not_vision_transformer(extractor):
    ents = _entities(extractor, "The Convolutional vision Transformer (CvT) improves Vision "
                                "Transformer (ViT) in performance and efficiency.")
    vit = ents.get(("Architecture", "Vision Transformer"), [])
    assert "CvT" not in vit and "ViT" in vit


def test_hubert_and_bert_stay_apart(extractor):
    ents = _entities(extractor, "HuBERT is a self-supervised speech model built on BERT. "
                                "RT-DETR improves on DETR.")
    for name in ("HuBERT", "BERT", "RT-DETR", "DETR"):
        assert any(n == name or name in al for (lab, n), al in ents.items()), name
    assert "BERT" not in ents.get(("Architecture", "HuBERT"), [])
    assert "DETR" not in ents.get(("Architecture", "RT-DETR"), [])


def test_full_name_and_abbreviation_one_entity(extractor):
    ents = _entities(extractor, "We introduce the Text-to-Text Transfer Transformer (T5). "
                                "T5 is trained on C4.")
    arch = [(n, al) for (lab, n), al in ents.items() if lab == "Architecture"]
    assert len(arch) == 1 and {arch[0][0], *arch[0][1]} >= {"T5", "Text-to-Text Transfer Transformer"}


def _keys(store, name):
    return {(r["label"], r["key"]) for r in store.run_query("resolve", {"name": name})}


class _Given:
    """Serves fixed extractions, so these tests pin the load stage's resolution rules
    whatever the name finder does with the text ("Quokka Vision Network (QVN)")."""

    def __init__(self, extractions: dict[str, list[Entity]]):
        self.extractions = extractions

    def extract_many(self, docs, workers: int = 1):
        from ingest.extract import Extraction
        for d in docs:
            yield Extraction(d.id, list(self.extractions[d.id]))


_QVN = {"a": [Entity("Architecture", "QVN"), Entity("Library", "PyTorch")],
        "b": [Entity("Architecture", "Quokka Vision Network", aliases=["QVN"]),
              Entity("Dataset", "ImageNet")]}
_QVN_DOCS = [Document(id="a", kind="newsletter", text="QVN is a new vision architecture."),
             Document(id="b", kind="newsletter", text="We present the Quokka Vision Network (QVN).")]


def test_full_name_joins_the_node_of_its_abbreviation_across_documents(graph_store):
    ing = Ingestor(graph_store, _Given(_QVN))
    ing.ingest_documents(_QVN_DOCS[:1])
    ing.ingest_documents(_QVN_DOCS[1:])
    assert _keys(graph_store, "QVN") == _keys(graph_store, "Quokka Vision Network") \
        == {("Architecture", "qvn")}


def test_full_name_and_abbreviation_loaded_together_are_one_node(graph_store):
    Ingestor(graph_store, _Given(_QVN)).ingest_documents(_QVN_DOCS)
    keys = _keys(graph_store, "QVN") | _keys(graph_store, "Quokka Vision Network")
    assert keys == {("Architecture", "qvn")}


def test_variant_alias_does_not_join_the_variant_node(graph_store):
    # ResNet with its catalog alias ResNet-18 must not land on a ResNet-18 node
    given = _Given({"a": [Entity("Architecture", "ResNet-18")],
                    "b": [Entity("Architecture", "ResNet", aliases=["ResNet-18", "ResNet-50"])]})
    ing = Ingestor(graph_store, given)
    ing.ingest_documents([Document(id="a", kind="newsletter", text="ResNet-18 is small.")])
    ing.ingest_documents([Document(id="b", kind="newsletter", text="ResNet is deep.")])
    assert ("Architecture", "resnet") in _keys(graph_store, "ResNet")
    assert ("Architecture", "resnet18") in _keys(graph_store, "ResNet-18")


def test_graph_alias_of_a_longer_name_does_not_capture_the_short_name(graph_store, extractor):
    # a node written by an older extractor with a bad alias: HuBERT answering to "BERT"
    src = SourceDoc("old", "newsletter", None, None, "h")
    graph_store.upsert(GraphBatch(sources=[src], entities=[Entity("Architecture", "HuBERT", aliases=["BERT"])]))
    Ingestor(graph_store, extractor).ingest_documents([
        Document(id="c", kind="newsletter", text="BERT is available in PyTorch and TensorFlow.")])
    assert ("Architecture", "bert") in _keys(graph_store, "BERT")
    implemented = graph_store.read("MATCH (l:Library)-[:IMPLEMENTS]->(a:Architecture) "
                                   "RETURN DISTINCT a.name AS name")
    assert implemented == [{"name": "BERT"}]


def test_author_does_not_rename_or_join_a_non_person(graph_store, extractor):
    Ingestor(graph_store, extractor).ingest_documents([
        Document(id="arxiv:2101.00001", kind="arxiv", title="Training GANs Stably", arxiv_id="2101.00001",
                 text="We study GAN training. Our GAN is stable.", authors=["Zhe Gan", "Ann Lee"],
                 categories=["cs.LG"], reader="jsonl")])
    rows = graph_store.read("MATCH (n:Entity) WHERE n.key IN ['gan', 'zhegan'] "
                            "RETURN n.label AS label, n.name AS name ORDER BY label")
    assert rows == [{"label": "Architecture", "name": "GAN"}, {"label": "Person", "name": "Zhe Gan"}]


def test_catalog_artifact_is_never_a_person(extractor):
    text = ("The GroupViT model was proposed in [GroupViT: Semantic Segmentation Emerges from Text "
            "Supervision](https://arxiv.org/abs/2202.11094) by Jiarui Xu, Shalini De Mello, Sifei Liu, "
            "Wonmin Byeon, Thomas Breuel, Jan Kautz, Xiaolong Wang. Inspired by Vision Transformer (ViT), "
            "GroupViT introduces grouping.")
    ex = extractor.extract(Document(id="g", kind="docs", text=text))
    assert not [e for e in ex.entities if e.label == "Person" and "Transformer" in e.name]
    archs = [e for e in ex.entities if e.label == "Architecture"]
    assert sum(1 for e in archs if "Vision Transformer" in (e.name, *e.aliases)) == 1
    assert not [r for r in ex.relations if r.type == "AUTHORED_BY" and "Transformer" in r.tail.name]


def test_plus_and_sharp_are_part_of_the_key():
    from kg.keys import normalize_name
    assert normalize_name("C++") != normalize_name("C") != normalize_name("C#")
    assert normalize_name("Command R+") == normalize_name("Command R Plus")
    assert normalize_name("MLP-Mixer") == normalize_name("mlp mixer")
    assert normalize_name("+") == ""                    # a sign alone is still no name


@pytest.mark.parametrize("variant, base", [("PointNet++", "PointNet"), ("QuIP#", "QuIP"),
                                           ("CodeT5+", "CodeT5"), ("RefCOCO+", "RefCOCO")])
def test_plus_and_sharp_name_other_artifacts(variant, base, extractor):
    from kg.keys import normalize_name
    assert normalize_name(variant) != normalize_name(base)
    found = _entities(extractor, f"We compare {variant} with {base} on three benchmarks.")
    assert any(name == variant for _label, name in found)      # the catalog no longer folds the variant in


def test_a_plus_variant_and_its_base_are_two_nodes(graph_store, extractor):
    Ingestor(graph_store, extractor).ingest_documents([
        Document(id="pn", kind="newsletter", text="PointNet++ extends PointNet with hierarchical grouping.")])
    assert _keys(graph_store, "PointNet++") == {("Architecture", "pointnetplusplus")}
    assert _keys(graph_store, "PointNet") == {("Architecture", "pointnet")}
