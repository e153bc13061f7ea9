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
