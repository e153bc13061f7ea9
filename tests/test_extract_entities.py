"""Entity finding and typing: each typing cue, and generic phrases that must not become
entities. Sentences and names are invented for these tests; most run against an empty
catalog so that only cues, shapes and links can produce entities."""
import pytest

from kg.models import Document
from ingest.extract import to_contract_json
from ingest.extract.components.name_shapes import namelike, shape_text
from ingest.extract.pipeline import Extractor


@pytest.fixture(scope="module")
def ex(tmp_path_factory):
    return Extractor(catalog_dir=str(tmp_path_factory.mktemp("emptycat")))


@pytest.fixture(scope="module")
def full():
    return Extractor()   # the packaged catalog


def ents(extractor, text, kind="newsletter", title=None):
    out = to_contract_json(extractor.extract(Document("t", kind, text, title=title)))
    return {(e["name"], e["type"]) for e in out["entities"]}


def names(found):
    return {n.lower() for n, _ in found}


# ---- typing cues -------------------------------------------------------------------------
@pytest.mark.parametrize("text,name,label", [
    ("We release the Wombat-7 dataset for sign language.", "Wombat-7", "Dataset"),
    ("Results on the Parrotlet benchmark improve by 3 points.", "Parrotlet", "Dataset"),
    ("The KiwiText corpus has 2B tokens.", "KiwiText", "Dataset"),
    ("Models are evaluated on StarQuiz and report accuracy.", "StarQuiz", "Dataset"),
    ("The Marmot model is a small speech recogniser.", "Marmot", "Architecture"),
    ("Ocelot is a neural network architecture for tabular data.", "Ocelot", "Architecture"),
    ("We fine-tune Heronet on medical notes.", "Heronet", "Architecture"),
    ("Quillpad is an open-source toolkit for labeling audio.", "Quillpad", "Library"),
    ("Install the Tarsier library with pip.", "Tarsier", "Library"),
    ("FlintLib, a Python package for retrieval, ships today.", "FlintLib", "Library"),
    pytest.param("The Vexley API exposes embeddings.", "Vexley", "Library", marks=pytest.mark.xfail(
        strict=True, reason="the mention scorer drops it: in the annotated corpus only 12 % of names typed "
                            "by 'X API' are entities (issue 14 note)")),
    ("Researchers at Borealis Labs trained it.", "Borealis Labs", "Organization"),
    ("Nimbus Inc. released a chatbot.", "Nimbus Inc.", "Organization"),
    ("A study from Karsten University shows gains.", "Karsten University", "Organization"),
    ("The Lumen Institute funds the work.", "Lumen Institute", "Organization"),
])
def test_typing_cues(ex, text, name, label):
    found = ents(ex, text)
    assert (name, label) in found or (name.rstrip("."), label) in found, found


@pytest.mark.parametrize("text,name,label", [
    ("We evaluate on FableQA and report exact match.", "FableQA", "Dataset"),
    ("Scores on CodeQuizBench rise with scale.", "CodeQuizBench", "Dataset"),
    ("We build on TorchKit for training loops.", "TorchKit", "Library"),
])
def test_name_ending_types_unknown_names(ex, text, name, label):
    assert (name, label) in ents(ex, text, kind="arxiv")


def test_multiword_name_with_name_head_is_not_split(full):
    found = ents(full, "We introduce the Pivoted Transformer (PiT), a method that routes tokens.", kind="arxiv")
    assert ("Pivoted Transformer", "Architecture") in found
    assert "pivoted" not in names(found)


def test_name_typed_by_cue_noun_is_not_split_by_catalog(full):
    found = ents(full, "NeMo ships a new architecture called Conformer CTC model.")
    assert ("Conformer CTC", "Architecture") in found
    assert "ctc" not in names(found)


def test_author_lists(ex):
    found = ents(ex, "1. **Quokka** (from Tern Labs) by Ana Pires*, Luis Ortega* and Mei Lin.", kind="docs")
    assert {("Ana Pires", "Person"), ("Luis Ortega", "Person"), ("Mei Lin", "Person")} <= found
    found = ents(ex, "1. **Quokka** by Pires, Ana and Ortega, Luis and Lin, Mei.", kind="docs")
    assert {("Ana Pires", "Person"), ("Luis Ortega", "Person"), ("Mei Lin", "Person")} <= found
    assert not any(t == "Organization" for _, t in found)


def test_author_list_after_linked_paper(ex):
    text = ("1. **Quokka** (from Tern Labs) released with the paper "
            "[Quokka: Small Models](https://arxiv.org/abs/2401.00002) Ana Pires, Luis Ortega, Mei Lin.")
    found = ents(ex, text, kind="docs")
    assert {("Ana Pires", "Person"), ("Luis Ortega", "Person"), ("Mei Lin", "Person")} <= found


def test_org_list_keeps_of_and_names(ex):
    found = ents(ex, "1. **Quokka** (from Tern Labs, Riverton University of Arts and Sciences) by Ana Pires.",
                 kind="docs")
    assert ("Riverton University of Arts and Sciences", "Organization") in found


def test_catalog_keeps_the_texts_name(full):
    # an alias that is another name (not a spelling variant) stays as written
    found = ents(full, "We stream events through Kafka into the feature store.", kind="list")
    assert ("Kafka", "Library") in found


def test_plural_architecture_is_not_the_library(full):
    found = ents(full, "Transformers have become the default for sequence modelling.", kind="arxiv")
    assert ("Transformers", "Library") not in found


# ---- must not extract ----------------------------------------------------------------------
@pytest.mark.parametrize("text,kind", [
    ("Large Language Models (LLMs) are trained on web text.", "arxiv"),
    ("Convolutional Neural Networks dominate vision.", "newsletter"),
    ("This uses a MLP(MultiLayer Perceptron) head.", "newsletter"),
    ("Our method gives a 22.2x speedup and 4-bit weights on A100 GPUs.", "arxiv"),
    ("It reaches 61% pass@1 and a ROUGE-L of 40 with top-1 accuracy of 80%.", "arxiv"),
    ("LLMs and LVLMs store KVs in DAGs.", "arxiv"),
    ("Furthermore, Language Models and Chat Models improve.", "arxiv"),
    ("Graph Neural Networks learn over molecules.", "arxiv"),
    ("The Research team released results in 2D and 3D.", "newsletter"),
])
def test_generic_phrases_are_not_entities(ex, text, kind):
    assert ents(ex, text, kind=kind) == set()


def test_bare_acronym_needs_a_cue(ex):
    # a bare acronym is not typed by the document default ...
    assert ents(ex, "We study IAD with PII filters.", kind="arxiv") == set()
    # ... but it is with a cue
    assert ("ZORP", "Dataset") in ents(ex, "We evaluate on the ZORP benchmark.", kind="arxiv")


def test_generic_words_from_the_document_itself(ex):
    # 'Sparse' is capitalised here, but the document also writes it in lowercase
    found = ents(ex, "Sparse Routing helps. We use sparse routing for speed.", kind="arxiv")
    assert found == set()


@pytest.mark.parametrize("tok,expected", [("LLMs", 0), ("top-1", 0), ("A100s", 0), ("16-bit", 0), ("2D", 0),
                                          ("Brambleworks", 1), ("SynJaxo", 2), ("GPT-4", 2)])
def test_shapes(tok, expected):
    assert shape_text(tok) == expected


def test_namelike():
    assert namelike("LMFlowX") and namelike("Llama-2")
    assert not namelike("IAD") and not namelike("Chat")


@pytest.mark.xfail(strict=True, reason="the mention scorer drops 'Quell' (p 0.08): 'X from Org is a … "
                   "library' is too rare in the annotated corpus to be a measured cue (issue 14 note)")
def test_x_from_org_is_a_library(ex):
    found = ents(ex, "Quell from Brightbeam is a benchmarking library for comparing optimisers.")
    assert ("Quell", "Library") in found


@pytest.mark.xfail(strict=True, reason="the recogniser with the English-word flag (stop 18) reads the opening "
                   "sentence 'The team moved lineage tracking to TrackRiv' as a title, so TrackRiv is left to the "
                   "shape rule and the scorer drops it (p 0.10); 'We moved …' or 'Our … runs on TrackRiv' keep it "
                   "(p 0.83, 0.80) but typed Architecture / Dataset (issue 14 note)")
def test_untyped_name_follows_the_documents_known_names(full):
    found = ents(full, "The team moved lineage tracking to TrackRiv. It now runs next to PyTorch and TensorFlow.")
    assert ("TrackRiv", "Library") in found


def test_social_site_vs_company(full):
    assert ("Twitter", "Organization") in ents(full, "Twitter rolled back its image cropping algorithm.")
    assert ("Twitter", "Organization") not in ents(full, "Follow the authors on Twitter for updates.")


def test_backticked_code_is_not_an_organization(ex):
    found = ents(ex, "* Set `use_fast=True` and `GatedBlockX` in the config for multi-GPU runs.", kind="newsletter")
    assert not any(t == "Organization" for _, t in found), found
    assert "multi-gpu" not in names(found)


def test_applied_ml_tags_are_organizations(ex):
    found = ents(ex, "1. [Scaling Feature Stores at Tramline](https://example.org/post) `Tramline` `2021`", kind="list")
    assert ("Tramline", "Organization") in found


def test_bullet_initial_verb_is_not_part_of_a_name(ex):
    found = ents(ex, "* Add QuorNetV2 weights to the hub.", kind="docs")
    assert ("QuorNetV2", "Architecture") in found


def test_a_changelog_bullets_verb_and_a_release_number_are_not_names(ex):
    found = ents(ex, "v0.7.1 (2024-03-02) — New Features\n\n- Support Quorvex dataset (#159)\n"
                     "- Add Brindle dataset for users (#12)\n- Fix Tarnwick dataset loading")
    assert {"quorvex", "brindle", "tarnwick"} <= names(found)
    assert not names(found) & {"support quorvex", "add brindle", "fix tarnwick", "v0.7.1"}


def test_a_sentence_may_still_open_with_a_name_that_starts_like_a_verb(full):
    # only a bullet's first word is taken for a changelog verb
    found = ents(full, "Support Vector Machines remain a strong baseline on small tabular data.")
    assert not any(n.lower() == "vector machines" for n, _ in found)


@pytest.mark.parametrize("title, text, label", [
    ("Quorvex", "We present a sparse mixer for tabular data that beats gradient boosting.", "Architecture"),
    ("BrindleBench", "BrindleBench is a benchmark of 162 legal reasoning tasks built by lawyers.", "Dataset"),
    ("TarnJax", "TarnJax is a library of structured distributions for sequence models.", "Library"),
])
def test_an_arxiv_title_that_is_only_a_name_is_the_system(full, title, text, label):
    # the annotation convention (docs/ANNOTATION.md): the system, typed by what the text
    # says it is; the record stays a paper, the one that introduced the system
    out = to_contract_json(full.extract(Document("t", "arxiv", text, title=title, arxiv_id="2306.00001")))
    assert (title, label) in {(e["name"], e["type"]) for e in out["entities"]}
    assert (title, "Paper") in {(e["name"], e["type"]) for e in out["entities"]}


def test_a_real_arxiv_title_still_introduces_what_it_names(full):
    out = to_contract_json(full.extract(Document(
        "t", "arxiv", "We propose Quorvex, a sparse mixer for tabular data.",
        title="Quorvex: Sparse Mixing for Tabular Data", arxiv_id="2306.00002")))
    assert ("Quorvex: Sparse Mixing for Tabular Data", "INTRODUCES", "Quorvex") in {
        (r["head"], r["type"], r["tail"]) for r in out["relations"]}
