"""Behaviour on names no catalog knows: invented names in real newsletter, arXiv and
list sentences (the shapes of next week's text), with the shipped trained models.

Each case is a sentence written the way ML news is, with every artifact name made
up; none of these names is in the catalog (checked below), so only the learned
recogniser and relation model, reading context and word shape, can find them."""
from __future__ import annotations

import pytest

from ingest.extract.catalog import get_catalog
from ingest.extract.pipeline import MODELS_DIR, Extractor
from kg.models import Document


# (kind, text, {invented name: label})
CASES = [
    ("newsletter", "Zorvik is a PyTorch based library for training graph neural networks at scale.",
     {"Zorvik": "Library"}),
    ("newsletter", "LinkedIn open sourced Quellbrook, a forecasting library for time series.",
     {"Quellbrook": "Library"}),
    ("newsletter", "Trellisformer, a new vision model from Meta AI, is now available in both TensorFlow and PyTorch.",
     {"Trellisformer": "Architecture"}),
    ("newsletter", "The team released Brannock-7B, a language model fine-tuned from Llama 2 on instruction data.",
     {"Brannock-7B": "Architecture"}),
    ("arxiv", "We present VelaNet, a convolutional architecture for dense prediction. VelaNet achieves "
              "54.1 mIoU on ADE20K and outperforms Swin Transformer.",
     {"VelaNet": "Architecture"}),
    ("arxiv", "We introduce OrbitQA, a benchmark of 12,000 questions about satellite imagery, and evaluate "
              "several vision-language models on it.",
     {"OrbitQA": "Dataset"}),
    ("arxiv", "Compared with Kestrel and Vireo, our model uses 40% fewer parameters.",
     {"Kestrel": "Architecture", "Vireo": "Architecture"}),
    ("arxiv", "We pre-train Marlowe on the Cindervale corpus and fine-tune it on SQuAD.",
     {"Marlowe": "Architecture"}),
    ("list", "* [pyquillan](https://github.com/example/pyquillan) - A lightweight JAX library for "
             "probabilistic programming.",
     {"pyquillan": "Library"}),
    ("list", "* [Drosselkit](https://github.com/example/drosselkit) - Toolkit for speech enhancement built on PyTorch.",
     {"Drosselkit": "Library"}),
    ("newsletter", "Researchers at Halvorsen University proposed Sprocket, a diffusion model for protein design.",
     {"Sprocket": "Architecture"}),
    ("newsletter", "timm 1.2 adds the GlimmerViT and Tessaract-L models, with weights pretrained on ImageNet-1k.",
     {"GlimmerViT": "Architecture"}),
    # real sentences from tests/fixtures/newsletters/prompting-guide (MIT), names replaced
    ("newsletter", "They propose a new attention technique called Quorra-attention which incorporates a "
                   "compressive memory module into a vanilla attention mechanism.",
     {"Quorra-attention": "Architecture"}),
    ("newsletter", "It builds in both masked local attention and long-term linear attention into a single "
                   "Transformer block. This allows the Velotron model to efficiently handle both long and "
                   "short-range contextual dependencies.",
     {"Velotron": "Architecture"}),
    ("docs", "The Fennimore model was proposed in Fennimore: Scaling Sparse Attention to Long Documents "
             "by Ada Kowalczyk and Rui Tanaka.",
     {"Fennimore": "Architecture", "Ada Kowalczyk": "Person"}),
]


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def test_the_trained_models_ship_with_the_package(extractor):
    assert (MODELS_DIR / "ner" / "config.cfg").exists() and (MODELS_DIR / "relations.npz").exists()
    assert {"mlkg_ner", "mlkg_learned_names_v1", "mlkg_relation_model_v1"} <= set(extractor.nlp.pipe_names)


def test_invented_names_are_not_in_the_catalog():
    catalog = get_catalog()
    for _kind, _text, names in CASES:
        for name in names:
            assert not catalog.lookup(name), name


def _found(extractor, kind, text):
    out = extractor.extract(Document(id="t", kind=kind, text=text))
    return out, {(e.name, str(e.label)) for e in out.entities}


def test_most_invented_names_are_found_with_their_type(extractor):
    hits, total, missed = 0, 0, []
    for kind, text, names in CASES:
        _out, got = _found(extractor, kind, text)
        for name, label in names.items():
            total += 1
            if (name, label) in got:
                hits += 1
            else:
                missed.append((name, label, sorted(got)))
    # the bar for the name-substitution probe is 80 %
    assert hits / total >= 0.8, missed


def test_relations_between_unseen_names_come_from_context(extractor):
    out, _ = _found(extractor, "newsletter",
                    "Zorvik is a PyTorch based library for training graph neural networks at scale.")
    rels = {(r.head.name, str(r.type), r.tail.name) for r in out.relations}
    assert ("Zorvik", "BUILT_ON", "PyTorch") in rels
    out, _ = _found(extractor, "newsletter", "LinkedIn open sourced Quellbrook, a forecasting library for time series.")
    rels = {(r.head.name, str(r.type), r.tail.name) for r in out.relations}
    assert ("Quellbrook", "DEVELOPED_BY", "LinkedIn") in rels


@pytest.mark.parametrize("kind, text, person", [
    ("docs", "- **[QuillConv](https://example.org/quillconv.html)** from Ardwick *et al.*: "
             "[Sparse Message Passing for Lattices](https://arxiv.org/abs/2101.00001) (ICML 2021)", "Ardwick"),
    ("arxiv", "We follow the scaling recipe of Tamsin Okonkwo et al. (2020) and train a 7B model.", "Tamsin Okonkwo"),
    ("newsletter", "As shown by Brevard et al., pruning the attention heads costs little accuracy.", "Brevard"),
])
def test_the_name_before_et_al_is_a_person(extractor, kind, text, person):
    out, _ = _found(extractor, kind, text)
    assert (person, "Person") in {(e.name, str(e.label)) for e in out.entities}


@pytest.mark.parametrize("kind, text, paper, person", [
    ("docs", "- **[QuillConv](https://example.org/quillconv.html)** from Ardwick *et al.*: "
             "[Sparse Message Passing for Lattices](https://arxiv.org/abs/2101.00001) (ICML 2021)",
     "Sparse Message Passing for Lattices", "Ardwick"),
    ("newsletter", "The encoder follows [Folding Attention for Long Contexts](https://arxiv.org/abs/2301.00002) "
                   "(Brevard et al., 2023).", "Folding Attention for Long Contexts", "Brevard"),
])
def test_the_first_author_next_to_a_paper_authored_it(extractor, rules_only_relations, kind, text, paper, person):
    out, _ = _found(extractor, kind, text)
    rels = {(r.head.name, str(r.type), r.tail.name) for r in out.relations}
    assert (paper, "AUTHORED_BY", person) in rels
    # the rule states it on its own, without the learned relation model
    out, _ = _found(rules_only_relations, kind, text)
    assert (paper, "AUTHORED_BY", person) in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


@pytest.fixture(scope="module")
def rules_only_relations():
    from ingest.extract.pipeline import build_pipeline
    nlp = build_pipeline(learned=True)
    nlp.remove_pipe("mlkg_relation_model_v1")
    return Extractor(nlp)


def test_a_catalog_organization_before_et_al_stays_an_organization(extractor):
    out, _ = _found(extractor, "list", "Instruction data collected by CMU et al. for tool use.")
    labels = {e.name: str(e.label) for e in out.entities}
    assert labels.get("CMU") == "Organization"


# Shapes of next week's newsletter sentences that used to yield nothing (issue 14): a
# present-tense verb, an apposition, what a library does ("supports", "builds on").
SHAPES = [
    ("Meta open sources Zorvik, a library for fast graph sampling.", ("Zorvik", "DEVELOPED_BY", "Meta")),
    ("Quellbrook builds on PyTorch Lightning to make distributed training simple.",
     ("Quellbrook", "BUILT_ON", "PyTorch Lightning")),
    ("Quillkit, a toolkit from Salesforce, makes it easy to serve LLMs.", ("Quillkit", "DEVELOPED_BY", "Salesforce")),
    ("Zorvik now supports Trellisformer, the new vision model from Apple.", ("Zorvik", "IMPLEMENTS", "Trellisformer")),
    # what software implements is a model; what a model is implemented in is software
    ("Nimbus implements Zephyrnet.", ("Nimbus", "IMPLEMENTS", "Zephyrnet")),
    ("Zephyrnet is implemented in Nimbus.", ("Nimbus", "IMPLEMENTS", "Zephyrnet")),
    # an apposition between the model and where it is implemented
    ("The repository holds Quillnet, a model for dense retrieval, implemented in JAX.",
     ("JAX", "IMPLEMENTS", "Quillnet")),
]


@pytest.mark.parametrize("text, fact", SHAPES)
def test_relation_shapes_of_newsletter_sentences(extractor, text, fact):
    out, _ = _found(extractor, "newsletter", text)
    assert fact in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


def test_a_name_that_supports_something_is_a_library(extractor):
    _out, got = _found(extractor, "newsletter", "Zorvik adds support for Trellisformer and Brannock.")
    assert ("Zorvik", "Library") in got


def test_a_list_after_an_evaluation_cue_is_datasets_throughout(extractor):
    """The cue types the first name; its coordinated siblings take the type in turn."""
    out, got = _found(extractor, "arxiv", "Zorblax-2 exhibits strong performance and scores well on the Quill, "
                                          "Tarn and Gorse.")
    assert {("Quill", "Dataset"), ("Tarn", "Dataset"), ("Gorse", "Dataset")} <= got


def test_a_short_title_naming_a_document_is_not_a_system(extractor):
    out = extractor.extract(Document(id="t", kind="arxiv", title="Zorblax-2 Technical Report",
                                     text="Zorblax-2 is a language model trained on web text."))
    labels = {(e.name, str(e.label)) for e in out.entities}
    assert ("Zorblax-2 Technical Report", "Paper") in labels
    assert ("Zorblax-2 Technical Report", "Architecture") not in labels


@pytest.mark.parametrize("title, name, library", [
    ("Frame Averaging - Pytorch", "Frame Averaging", "PyTorch"),
    ("🦩 Quillformer Attention - Jax", "Quillformer Attention", "JAX"),
    ("Emerging Zephyr Network (EZN) - Pytorch", "Emerging Zephyr Network", "PyTorch"),
])
def test_a_readme_titled_name_dash_library_implements_the_name_in_the_library(extractor, title, name, library):
    """The README convention "X - Pytorch": the repository implements X in PyTorch, whatever X is."""
    out = extractor.extract(Document(id="t", kind="newsletter", title=title,
                                     text="A simple way to enable it for any network, with a few improvements."))
    assert (name, "Architecture") in {(e.name, str(e.label)) for e in out.entities}
    assert (library, "IMPLEMENTS", name) in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


@pytest.mark.parametrize("title, text, name, library", [
    ("Quill LM Pretraining (wip)", "Implementation of Quill-LM, Correcting and Contrasting Text Sequences for "
                                   "Language Model Pretraining, in Pytorch.", "Quill-LM", "PyTorch"),
    ("Zephyrframe - Pytorch (wip)", "A simple way to enable it for any network, with a few improvements.",
     "Zephyrframe", "PyTorch"),
])
def test_implementation_of_x_in_a_library(extractor, title, text, name, library):
    """"Implementation of X, <apposition>, in Pytorch." and a README title with a note after
    the library ("X - Pytorch (wip)"): the library implements X."""
    out = extractor.extract(Document(id="t", kind="newsletter", title=title, text=text))
    assert (library, "IMPLEMENTS", name) in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


@pytest.mark.parametrize("title, text, name", [
    # the title's name is also the text's first name, with other models in between
    ("Corvidae - Pytorch", "Implementation of Corvidae, a text-to-image network that beats DALL-E 2 and "
                           "Stable Diffusion, in Pytorch.", "Corvidae"),
    ("Imagen - Pytorch", "Implementation of Imagen, Google's Text-to-Image Neural Network that beats DALL-E2, "
                         "in Pytorch.", "Imagen"),
])
def test_a_readme_title_dash_library_names_the_text_s_own_subject(extractor, title, text, name):
    """"X - Pytorch" over "Implementation of X, …, that beats Y, in Pytorch": PyTorch
    implements X — the name the title and the text share — and not the Y in between."""
    out = extractor.extract(Document(id="t", kind="newsletter", title=title, text=text))
    implements = {(r.head.name, r.tail.name) for r in out.relations if str(r.type) == "IMPLEMENTS"}
    assert ("PyTorch", name) in implements
    assert all(tail == name for _head, tail in implements), implements


@pytest.mark.parametrize("kind, text, paper, name", [
    # a participle after the name, no auxiliary: "the X proposed in [Paper]"
    ("docs", "Implementation of the Zephyrnet proposed in [Emergent Abstractions in Autoregressive Models Enable "
             "Hierarchical Control](https://arxiv.org/abs/2512.20605)",
     "Emergent Abstractions in Autoregressive Models Enable Hierarchical Control", "Zephyrnet"),
    # a paper title "X: …" in a curated list introduces X, a method as anywhere else
    ("list", "- **Zeltron: Adaptive Structure Aware Pooling for Learning Hierarchical Graph Representations "
             "(AAAI 2020)**",
     "Zeltron: Adaptive Structure Aware Pooling for Learning Hierarchical Graph Representations", "Zeltron"),
])
def test_a_paper_introduces_the_name_it_is_said_to_propose(extractor, kind, text, paper, name):
    out, got = _found(extractor, kind, text)
    assert (name, "Architecture") in got
    assert (paper, "INTRODUCES", name) in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


def test_a_docs_page_titled_by_a_short_name_is_about_that_model(extractor):
    out = extractor.extract(Document(id="t", kind="docs", title="QuillformerTransformer2DModel",
                                     text="A Transformer model that accepts multimodal instructions to generate images."))
    assert ("QuillformerTransformer2DModel", "Architecture") in {(e.name, str(e.label)) for e in out.entities}
    # a page title made of ordinary words is not a name
    out = extractor.extract(Document(id="t", kind="docs", title="Pipelines",
                                     text="Pipelines provide a simple way to run models for inference."))
    assert "Pipelines" not in {e.name for e in out.entities}


def test_a_cited_first_author_did_not_develop_the_model(extractor):
    """"X from Ardwick et al.: [Paper]" cites the paper's authors: AUTHORED_BY, not DEVELOPED_BY."""
    out, _ = _found(extractor, "docs", "- **[QuillConv](https://example.org/quillconv.html)** from Ardwick *et al.*: "
                                       "[Sparse Message Passing for Lattices](https://arxiv.org/abs/2101.00001) (ICML 2021)")
    rels = {(r.head.name, str(r.type), r.tail.name) for r in out.relations}
    assert ("Sparse Message Passing for Lattices", "AUTHORED_BY", "Ardwick") in rels
    assert not any(t == "DEVELOPED_BY" and tail == "Ardwick" for _h, t, tail in rels)


def test_a_lower_case_name_with_a_release_version_is_a_library(extractor):
    """Software is versioned "2.3.0" / "v0.25"; lower-case words are no names by shape."""
    out = extractor.extract(Document(id="t", kind="newsletter", title="quillkit 2.3.0 (2024-06-13) — Removed",
                                     text="- Removed support for PyTorch 1.13"))
    assert ("quillkit", "Library") in {(e.name, str(e.label)) for e in out.entities}
    # a model's number is not a release
    out = extractor.extract(Document(id="t", kind="newsletter", text="We now support zephyr 3.1 in the app."))
    assert ("zephyr", "Library") not in {(e.name, str(e.label)) for e in out.entities}


def test_a_title_that_is_the_first_word_of_the_text_is_still_a_title(extractor):
    """Title "Corvid", text "Corvid is a … library": the text does not repeat the title as
    a heading, so the sentence keeps its subject (it used to be read as the title)."""
    out = extractor.extract(Document(id="t", kind="newsletter", title="Corvid",
                                     text="Corvid is a PyTorch library for training sparse transformers."))
    assert ("Corvid", "Library") in {(e.name, str(e.label)) for e in out.entities}
    assert ("Corvid", "BUILT_ON", "PyTorch") in {(r.head.name, str(r.type), r.tail.name) for r in out.relations}


def test_a_bibtex_entry_is_a_citation_not_names(extractor):
    text = ("If you find this code useful, please cite:\n\n@inproceedings{kowalczyk2021quill,\n"
            "  title={Sparse {Quill} Transformers for Retrieval},\n"
            "  author={Kowalczyk, Ada and Tanaka, Rui and Brandt, Lena},\n  booktitle={NeurIPS},\n  year={2021}\n}\n\n"
            "Quillnet is a retrieval model.")
    out = extractor.extract(Document(id="t", kind="newsletter", text=text))
    names = {e.name for e in out.entities}
    assert "Quillnet" in names
    assert not names & {"Ada", "Tanaka", "Rui", "Brandt", "Lena}", "Lena"}


def test_an_unclosed_bibtex_entry_keeps_the_text():
    from ingest.extract.markup import clean
    text = "Quillnet is a model. @article{key, title={Open " + "{" * 10_000 + " Brindle is a dataset."
    assert clean(text).text == text       # no closing brace: nothing is dropped
    assert clean("a @misc{k, title={T}} b").text == "a \n b"


@pytest.mark.parametrize("line", [
    "- **Sparse Quill Transformers for Long Document Retrieval** [[paper](https://arxiv.org/abs/2101.00001)] "
    "[[code](https://github.com/x/quill)]",
    "- Sparse Quill Transformers for Long Document Retrieval (NeurIPS 2021) [paper](https://arxiv.org/abs/2101.00001)",
])
def test_a_listed_title_takes_the_arxiv_id_of_its_paper_link(extractor, line):
    """The title is the paper the "[paper](arXiv)" link beside it points to: one node,
    keyed by the arXiv id, with no bracket run into its name."""
    out = extractor.extract(Document(id="t", kind="list", text=line))
    papers = [e for e in out.entities if str(e.label) == "Paper"]
    assert [(p.name, p.key) for p in papers] == [("Sparse Quill Transformers for Long Document Retrieval",
                                                  "arxiv:2101.00001")]
