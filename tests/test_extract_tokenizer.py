"""The tokenizer keeps ML names whole."""
import pytest
import spacy

from ingest.extract.tokenizer import make_tokenizer


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize("name", ["MLP-Mixer", "GPT-3.5", "Flan-PaLM", "Tensorflow.js", "ResNet-50",
                                  "T5-11B", "arxiv.org/abs/2105.01601", "https://github.com/o/r",
                                  "Conformer-CTC", "phi-1.5"])
def test_names_whole(nlp, name):
    tokens = [t.text for t in nlp(f"We tried {name}, which worked.")]
    assert name in tokens


def test_cue_suffix_and_glued_paren(nlp):
    assert [t.text for t in nlp("a JAX-based tool")] == ["a", "JAX", "-", "based", "tool"]
    assert "MultiLayer" in [t.text for t in nlp("MLP(MultiLayer Perceptron)")]
    assert [t.text for t in nlp("pages 3-4")] == ["pages", "3", "-", "4"]


@pytest.mark.parametrize("name", ["ViT", "Swin-T", "YOLOv8", "BERT"])
def test_a_full_stop_after_a_name_is_its_own_token(nlp, name):
    tokens = [t.text for t in nlp(f"It beats {name}. Then it stops.")]
    assert tokens[2:4] == [name, "."], tokens


def test_abbreviations_keep_their_full_stops(nlp):
    tokens = [t.text for t in nlp("Made in the U.S. by Apple Inc. and e.g. others.")]
    assert {"U.S.", "Inc.", "e.g."} <= set(tokens)


@pytest.mark.parametrize("unit", ["[", "(", "`", "**", "|", "![](", "[(`", "-", "\\"])
def test_long_punctuation_runs_are_bounded_before_tokenizing(unit):
    # spaCy strips prefix characters one at a time (quadratic in a run's length: 24 k "["
    # held the API for 40 s); the text the tokenizer sees never has a run over the bound
    import re
    from ingest.extract.pipeline import MAX_PUNCT_RUN, Extractor, prepare
    from kg.models import Document
    doc = Document(id="p", kind="newsletter", text="Quorvex is a library. " + unit * 50_000 + " Brindle is a dataset.")
    text, _info = prepare(doc)
    assert max((len(r) for r in re.findall(r"[^\w\s]+", text)), default=0) <= MAX_PUNCT_RUN
    assert "Brindle is a dataset." in text          # the text after the run is kept
    names = {e.name for e in Extractor().extract(doc).entities}
    assert {"Quorvex", "Brindle"} <= names
