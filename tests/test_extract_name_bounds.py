"""Where a name ends, and words that are never names (issue 12's junk classes): what
a hand-judged sample of the demo graph found as fragments, boundary errors and
measurement words, as behaviour on invented names in ordinary sentences."""
from __future__ import annotations

import pytest
import spacy

from ingest.extract.pipeline import Extractor
from ingest.extract.tokenizer import make_tokenizer
from ingest.resolve import fold_model
from kg.models import Document


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


@pytest.fixture(scope="module")
def tokenizer_nlp():
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


def _entities(extractor, text, kind="newsletter", title=None):
    out = extractor.extract(Document(id="t", kind=kind, title=title, text=text))
    return {(e.name, str(e.label)) for e in out.entities}


@pytest.mark.parametrize("text, tokens", [
    ("Zorblax-generated data", ["Zorblax", "-", "generated", "data"]),
    ("Quillnet-related prompts", ["Quillnet", "-", "related", "prompts"]),
    ("pre-Zorblax models", ["pre", "-", "Zorblax", "models"]),
    ("non-Quillnet baselines", ["non", "-", "Quillnet", "baselines"]),
    # a name that starts with a capitalised prefix stays whole, and so do ordinary words
    ("a Pre-LN Transformer", ["a", "Pre-LN", "Transformer"]),
    ("non-linear preprocessing", ["non-linear", "preprocessing"]),
    # two names with a slash are two names; a URL stays one token
    ("QRPO/ZAPO", ["QRPO", "/", "ZAPO"]),
    ("Quillnet/Zorblax-3", ["Quillnet", "/", "Zorblax-3"]),
    ("see github.com/Corvid/Quill", ["see", "github.com/Corvid/Quill"]),
    # a "unit" after a name's digits is the name's ("Brindle-10K", "QuillSet-400M"); a count splits
    ("on Brindle-10K and QuillSet-400M, QRX20K.", ["on", "Brindle-10K", "and", "QuillSet-400M", ",", "QRX20K", "."]),
    ("for 10K steps on 40GB", ["for", "10", "K", "steps", "on", "40", "GB"]),
    # digits after letters, a hyphen, more digits: one name ("Quillnet101-32x4d",
    # "Zorb2.5-7B-Instruct"); a range of plain numbers splits
    ("Quillnet101-32x4d and Zorb2.5-7B-Instruct", ["Quillnet101-32x4d", "and", "Zorb2.5-7B-Instruct"]),
    ("pages 3-4, 1.5-2 hours", ["pages", "3", "-", "4", ",", "1.5", "-", "2", "hours"]),
])
def test_adjectival_affixes_come_off_names(tokenizer_nlp, text, tokens):
    assert [t.text for t in tokenizer_nlp(text)] == tokens


def test_a_name_with_an_adjectival_suffix_is_the_name(extractor):
    ents = _entities(extractor, "We fine-tune Corvidae-7B on Zorblax-4-generated data and Quillnet-related "
                                "prompts, unlike pre-Zorblax-4 systems.")
    names = {n for n, _ in ents}
    assert not any(n.endswith(("-generated", "-related")) or n.startswith("pre-") for n in names), names


@pytest.mark.parametrize("surface, name", [
    ("ViTs", "ViT"), ("LDMs", "LDM"), ("VQ-VAEs", "VQ-VAE"), ("NeRFs", "NeRF"),
    ("Qwen LLM", "Qwen"), ("GLaM dataset", "GLaM"), ("Orca model", "Orca"),
    # not an acronym's plural: left as written
    ("ResNets", "ResNets"), ("Transformers", "Transformers"), ("AWS", "AWS"),
])
def test_plural_acronyms_and_generic_tails_fold_to_the_name(surface, name):
    assert fold_model(surface) == name


def test_an_acronym_s_plural_is_one_node_with_its_singular(extractor):
    out = extractor.extract(Document(id="t", kind="newsletter",
                                     text="Zorblax is a QVT. Our QVTs beat the baseline on Brindle-10K."))
    names = [e.name for e in out.entities if str(e.label) == "Architecture"]
    assert "QVTs" not in names


@pytest.mark.parametrize("word", ["FP32", "BF16", "TTFT", "WAV", "RGB", "TPUv4", "kHz", "PhD"])
def test_measurement_words_are_not_artifacts(extractor, word):
    ents = _entities(extractor, f"Corvidae runs in {word} on our cluster and reports {word} throughout.")
    assert word not in {n for n, _ in ents}


@pytest.mark.parametrize("text, variant, family", [
    ("We compare Mixtral 8x22B with our model.", "Mixtral 8x22B", "Mixtral"),
    ("Llama 3.1 405B was the teacher.", "Llama 3.1 405B", "Llama 3.1"),
])
def test_a_size_written_after_a_known_model_is_its_own_node(extractor, text, variant, family):
    out = extractor.extract(Document(id="t", kind="newsletter", text=text))
    found = {e.name: e for e in out.entities}
    assert variant in found
    assert family not in found[variant].aliases


@pytest.mark.parametrize("text, variant, family", [
    # the catalog lists these as aliases of the family; the text names the member
    ("We evaluate on Kinetics-400 and later on Kinetics.", "Kinetics-400", "Kinetics"),
    ("DeepSpeed adds ZeRO-Offload; ZeRO shards the optimizer state.", "ZeRO-Offload", "ZeRO"),
    ("xAI released Grok-1 weights; Grok is their chat model.", "Grok-1", "Grok"),
])
def test_a_member_of_a_catalog_family_is_its_own_node(extractor, text, variant, family):
    out = extractor.extract(Document(id="t", kind="newsletter", text=text))
    found = {e.name: e for e in out.entities}
    assert variant in found and family in found
    assert variant not in found[family].aliases and family not in found[variant].aliases


def test_a_name_with_words_before_the_family_is_the_family(extractor):
    # "MS COCO" is COCO by another name, not a member of it
    out = extractor.extract(Document(id="t", kind="newsletter", text="We evaluate on MS COCO."))
    assert "COCO" in {e.name for e in out.entities}


def test_a_bare_number_after_a_known_model_is_not_a_version(extractor):
    out = extractor.extract(Document(id="t", kind="newsletter", text="We trained Mixtral 3 times on Brindle-10K."))
    assert "Mixtral 3" not in {e.name for e in out.entities}


@pytest.mark.parametrize("title", [
    "Needles in a Haystack: Retrieval over Long Contexts",
    "Teach Quillnet to Personalize with Hydra Effects",
])
def test_a_library_name_that_is_an_english_word_inside_a_title_is_the_word(extractor, title):
    ents = _entities(extractor, "We study retrieval in long contexts.", kind="arxiv", title=title)
    assert not {n for n, label in ents if label in {"Library", "Dataset"}}, ents


@pytest.mark.parametrize("name, label, ok", [
    ("Quillnet", "Architecture", True), ("Zorblax (ZBX)", "Architecture", True),
    ("Q)$", "Architecture", False), ("NDCG@5", "Architecture", False), ("quill>=2.1", "Library", False),
    ("Zorblax (ZBX", "Architecture", False), ("42", "Dataset", False),
    ("$\\infty$-former: Infinite Memory Transformer", "Paper", True),
])
def test_well_formed_names(name, label, ok):
    from ingest.extract.components.name_shapes import well_formed
    assert well_formed(name, label) is ok


def test_formulas_metrics_and_tasks_are_not_nodes(extractor):
    ents = _entities(extractor, "We report NDCG@5 for Quillnet (Q)$ on Brindle. Quillnet is a Text-to-SQL "
                                "model, and T2V generation is next.")
    names = {n for n, _ in ents}
    assert names & {"NDCG@5", "Q)$", "Text-to-SQL", "T2V"} == set(), names
    assert "Quillnet" in names


def test_a_model_linked_by_its_hub_id_is_named_by_the_model(extractor):
    out = extractor.extract(Document(id="t", kind="docs", text=(
        "Try [reefer/Corvex1-HD](https://huggingface.co/reefer/Corvex1-HD) with the pipeline.")))
    models = {e.name: e for e in out.entities if str(e.label) == "Architecture"}
    assert "reefer/Corvex1-HD" not in models
    assert models["Corvex1-HD"].props.get("hf_id") == "reefer/Corvex1-HD"


@pytest.mark.parametrize("kind, text, paper", [
    ("list", "- **Zorvanet: Isomorphic Quill Networks for Graph Representation Learning (ICLR 2020)**\n"
             "  - Dee Fox, Eve Gray\n  - [[Paper]](https://arxiv.org/abs/1907.09495v2)",
     "Zorvanet: Isomorphic Quill Networks for Graph Representation Learning"),
    ("docs", "### QRPO: Monolithic Preference Optimization without Reference Model\n\n"
             "**📜 Paper**: https://huggingface.co/papers/2403.07691\n\nQRPO aligns models in one step.",
     "QRPO: Monolithic Preference Optimization without Reference Model"),
    ("list", "- [Quillify: Animate Your Personalized Text-to-Image Diffusion Models](https://quillify.example.org/)",
     "Quillify: Animate Your Personalized Text-to-Image Diffusion Models"),
])
def test_a_titled_paper_in_a_list_or_heading_is_a_paper(extractor, kind, text, paper):
    out = extractor.extract(Document(id="t", kind=kind, text=text))
    assert (paper, "Paper") in {(e.name, str(e.label)) for e in out.entities}
    short = paper.split(":")[0]
    assert (paper, "INTRODUCES", short) in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


@pytest.mark.parametrize("text", [
    "- Note: Quillify Now Supports Sparse Attention Kernels\n- [paper](https://arxiv.org/abs/2401.00001)",
    "### April, 2022: Quillify Models at Scale\n\nPaper: https://arxiv.org/abs/2401.00001",
    "- Quillify: Animate Your Personalized Text-to-Image Diffusion Models\n\nWe use it daily.",   # no paper cue
])
def test_notes_and_lines_without_a_paper_cue_are_not_papers(extractor, text):
    out = extractor.extract(Document(id="t", kind="list", text=text))
    assert not [e.name for e in out.entities if str(e.label) == "Paper" and ":" in e.name]


def test_another_name_of_a_family_does_not_carry_its_members():
    # "Text-to-Text Transfer Transformer" is T5 by another name; T5-11B, which the catalog
    # lists under T5, is a member with its own node, not one of its aliases
    out = Extractor(learned=False).extract(Document(
        id="t", kind="newsletter", text="Quillkit fine-tunes the Text-to-Text Transfer Transformer on its data."))
    found = {e.name: e for e in out.entities}
    assert "T5" in found["Text-to-Text Transfer Transformer"].aliases
    assert not {"T5-11B", "T5-large"} & set(found["Text-to-Text Transfer Transformer"].aliases)


@pytest.mark.parametrize("opening", ["Official", "Unofficial", "Practical", "Usable", "Modular"])
def test_a_sentence_opening_adjective_before_implementation_is_no_library(extractor, opening):
    ents = _entities(extractor, f"Quellformer - Pytorch\n\n{opening} implementation of Quellformer, in Pytorch.")
    assert not {n for n, label in ents if n == opening}
    assert ("Quellformer", "Architecture") in ents


@pytest.mark.parametrize("line, name, label", [
    ("- [03/10] Releasing Quellbench-Eval, a highly efficient evaluation pipeline.", "Quellbench-Eval", "Library"),
    ("- [Feature] Support Textual Inversion by @someone in https://github.com/o/r/pull/1", "Textual Inversion",
     "Architecture"),
])
def test_a_tag_opening_a_changelog_line_is_followed_by_its_verb_not_a_name(extractor, line, name, label):
    ents = _entities(extractor, line)
    assert (name, label) in ents
    assert not [n for n, _ in ents if n.split()[0] in {"Releasing", "Support"}]


def test_a_recognised_name_does_not_end_on_a_function_word_nor_stand_as_a_size(extractor):
    # sentences of the demo corpus's abstracts (examples/corpus)
    ents = _entities(extractor, "Furthermore, we propose to initialize CodeT5+ with frozen off-the-shelf LLMs "
                                "without training from scratch to efficiently scale up our models. Self-RAG "
                                "(7B and 13B parameters) significantly outperforms state-of-the-art LLMs.",
                     kind="arxiv", title="CodeT5+: Open Code Large Language Models for Code Understanding and Generation")
    names = {n for n, _ in ents}
    assert "CodeT5+" in names
    assert not [n for n in names if n.split()[-1] in {"and", "with"}]
    assert not names & {"7B", "13B"}
