"""Entity and relation cues, link typing and coreference, on short newsletter-style
sentences written for these tests (catalog-independent names where it matters)."""
import pytest

from kg.models import Document
from ingest.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, to_contract_json
from ingest.extract.pipeline import Extractor


@pytest.fixture(scope="module")
def ex(tmp_path_factory):
    # an empty catalog: everything below must come from cues, links and shapes
    return Extractor(catalog_dir=str(tmp_path_factory.mktemp("emptycat")))


def run(ex, text, kind="newsletter", title=None, arxiv_id=None):
    out = to_contract_json(ex.extract(Document("t", kind, text, title=title, arxiv_id=arxiv_id)))
    ents = {(e["name"], e["type"]) for e in out["entities"]}
    rels = {(r["head"], r["type"], r["tail"]) for r in out["relations"]}
    return ents, rels, out


def test_library_copula_and_from_org(ex):
    ents, rels, _ = run(ex, "Quiltix is a workflow orchestration library from Brambleworks.")
    assert ("Quiltix", "Library") in ents
    assert ("Brambleworks", "Organization") in ents
    assert ("Quiltix", "DEVELOPED_BY", "Brambleworks") in rels


def test_org_open_sourced(ex):
    ents, rels, _ = run(ex, "Zentrix AI Lab open sourced FlowKite library for anomaly detection.")
    assert ("FlowKite", "Library") in ents
    assert ("Zentrix AI Lab", "Organization") in ents
    assert ("FlowKite", "DEVELOPED_BY", "Zentrix AI Lab") in rels


@pytest.mark.xfail(strict=True, reason="the mention scorer drops the unseen base 'TorchLite': single capitalised "
                   "Library names are mostly changelog class names in the annotated corpus; the stop-21 models found "
                   "it at scorer threshold 0.25, not at the 0.3 the same policy chose after the last retrain "
                   "(issue 14 note)")
def test_x_based_built_on(ex):
    ents, rels, _ = run(ex, "GraphQuill is a TorchLite based library that builds graph models.")
    assert ("GraphQuill", "BUILT_ON", "TorchLite") in rels


def test_through_built_on(ex):
    _, rels, _ = run(ex, "TactiNet is a toolkit that lets engineers build sensing models through TorchLite library.")
    assert ("TactiNet", "BUILT_ON", "TorchLite") in rels


def test_available_in_with_coreference(ex):
    text = "GridMixer is a new vision model that mixes patches. It is available in both JaxLib and TorchLite."
    ents, rels, out = run(ex, text)
    assert ("GridMixer", "Architecture") in ents
    assert ("JaxLib", "IMPLEMENTS", "GridMixer") in rels
    assert ("TorchLite", "IMPLEMENTS", "GridMixer") in rels
    assert all(r["evidence"] and 0 < r["confidence"] <= 1 for r in out["relations"])


@pytest.mark.xfail(strict=True, reason="known gap: an unknown dataset introduced as 'the X "
                   "dataset' is not linked by TRAINED_ON (EVALUATED_ON works)")
def test_trained_and_evaluated_on(ex):
    _, rels, _ = run(ex, "We introduce OrbitLM, a language model. OrbitLM is trained on the StarText dataset. "
                         "OrbitLM achieves 71% accuracy on QuizBench-2.", kind="arxiv",
                     title="OrbitLM: A Small Model for Big Quizzes")
    assert ("OrbitLM", "TRAINED_ON", "StarText dataset") in rels or ("OrbitLM", "TRAINED_ON", "StarText") in rels
    assert ("OrbitLM", "EVALUATED_ON", "QuizBench-2") in rels


def test_arxiv_title_paper_and_introduces(ex):
    ents, rels, out = run(ex, "We propose HexaNet, an architecture for graphs.", kind="arxiv",
                          title="HexaNet: Hexagonal Networks for Graphs", arxiv_id="2401.00001v2")
    assert ("HexaNet: Hexagonal Networks for Graphs", "Paper") in ents
    paper = [e for e in out["entities"] if e["type"] == "Paper"][0]
    assert paper["arxiv_id"] == "2401.00001"
    assert ("HexaNet: Hexagonal Networks for Graphs", "INTRODUCES", "HexaNet") in rels


def test_title_a_modifier_y_built_on(ex):
    ex2 = Extractor()  # needs a known Y: uses the packaged catalog if it has BERT
    _, rels, _ = run(ex2, "1. **[TinyBERTish](https://example.org/model_doc/tinybertish)** released with the paper "
                          "[TinyBERTish: A Compact BERT for Phones](https://arxiv.org/abs/2001.00001) by Ann Lee, Bo Chen.",
                     kind="docs")
    assert ("TinyBERTish: A Compact BERT for Phones", "INTRODUCES", "TinyBERTish") in rels
    assert ("TinyBERTish: A Compact BERT for Phones", "AUTHORED_BY", "Ann Lee") in rels
    assert ("TinyBERTish: A Compact BERT for Phones", "AUTHORED_BY", "Bo Chen") in rels


def test_link_targets(ex):
    text = ("See [Sparse Routing Is All You Need](https://arxiv.org/abs/2302.01234) and "
            "[routekit](https://github.com/acme/routekit) and [Paper](https://arxiv.org/abs/2302.09999).")
    ents, _, out = run(ex, text)
    assert ("Sparse Routing Is All You Need", "Paper") in ents
    assert ("routekit", "Library") in ents
    lib = [e for e in out["entities"] if e["name"] == "routekit"][0]
    assert lib["repo"] == "acme/routekit"
    assert not any(e["name"] == "Paper" for e in out["entities"])


def test_from_list_and_repository(ex):
    text = ("1. **[NeoChat](https://huggingface.co/docs/transformers/model_doc/neochat)** (from Kestrel Labs, Umbra University) "
            "released in the repository [kestrel/neochat](https://github.com/kestrel/neochat) by Dana Fox.")
    ents, rels, _ = run(ex, text, kind="docs")
    assert ("NeoChat", "DEVELOPED_BY", "Kestrel Labs") in rels
    assert ("NeoChat", "DEVELOPED_BY", "Umbra University") in rels
    assert ("kestrel/neochat", "IMPLEMENTS", "NeoChat") in rels
    assert ("Dana Fox", "Person") in ents


def test_uses(ex):   # the learned relation model closed this gap (it was an xfail of the rules)
    _, rels, _ = run(ex, "ConvoFormer-XL is a speech model. ConvoFormer-XL uses Gated Routing Attention.", kind="arxiv")
    assert ("ConvoFormer-XL", "USES", "Gated Routing Attention") in rels


def test_relations_respect_schema(ex):
    from kg.schema import ENDPOINTS, RelType, Label
    _, _, out = run(ex, "Brambleworks released Quiltix. Quiltix is built on TorchLite. It is from Brambleworks.")
    labels = {e["name"]: e["type"] for e in out["entities"]}
    for r in out["relations"]:
        assert (Label(labels[r["head"]]), Label(labels[r["tail"]])) in ENDPOINTS[RelType(r["type"])]


def test_constants():
    assert EXTRACTOR_NAME and EXTRACTOR_VERSION


@pytest.mark.parametrize("text", ["", "   \n\n", "<html><body><div><script>var x=1;</script>"
                                  "<p>Quiltix is a library from <b>Brambleworks</b>.</p></div></body></html>",
                                  "<<<>>> ]]]((( \x00 \ufffd", "word " * 2000])
def test_malformed_inputs_do_not_crash(ex, text):
    out = to_contract_json(ex.extract(Document("m", "newsletter", text)))
    assert out["id"] == "m" and isinstance(out["entities"], list)


def test_huge_document(ex):
    text = "Quiltix is a library from Brambleworks. " * 130_000   # ~5 MB
    out = list(ex.extract_many([Document("big", "newsletter", text), Document("ok", "newsletter", "Hi.")]))
    assert [o.doc_id for o in out] == ["big", "ok"]
