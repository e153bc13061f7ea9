"""Entity resolution: spelling variants merge, different things never do; a size
variant is its own entity (issue 12), though ``fold_size`` still names its family."""
import pytest

from ingest.resolve import Resolver, fold_size, same_entity


@pytest.mark.parametrize("name,folded", [
    ("LLaMA 2 7B", "LLaMA 2"), ("Flan-PaLM 540B", "Flan-PaLM"), ("T5-11B", "T5"),
    ("Mistral-7B", "Mistral"), ("GPT-3.5", "GPT-3.5"), ("ResNet-50", "ResNet-50"),
    ("Orca 13B model", "Orca"), ("70B Falcon", "Falcon"),
])
def test_size_folding(name, folded):
    assert fold_size(name) == folded


@pytest.mark.parametrize("a,b", [("MLP Mixer", "mlp-mixer"), ("Tensorflow", "TensorFlow"),
                                 ("Greykite", "GreyKite"), ("Orca 13B model", "Orca 13B"),
                                 ("Stable Diffusion", "Stable Difusion"),           # a typo in a long name
                                 ("Hugging Face Transformers", "HuggingFace Transfomers")])
def test_variants_merge(a, b):
    assert same_entity(a, b)


@pytest.mark.parametrize("a,b", [("GPT-3", "GPT-3.5"), ("PyTorch", "PyTorch3D"), ("TSMixer", "MLP-Mixer"),
                                 ("GPT-2", "GPT-4"), ("Llama 2", "Llama 3"), ("BERT", "RoBERTa"),
                                 ("LLaMA 2 7B", "LLaMA-2"), ("T5-11B", "T5"),
                                 # an extension at either end, one letter inside a short name,
                                 # or two entries of the catalog: another thing, not a typo
                                 ("PyTorch", "GPyTorch"), ("Transformer", "iTransformer"),
                                 ("Linformer", "Informer"), ("ResNet", "ResNeXt"), ("BigGAN", "BigVGAN"),
                                 ("AudioLM", "AudioLDM"), ("fastai", "FastAPI"), ("GPT-4o", "GPT-4o mini"),
                                 ("Northwestern University", "Northeastern University"),
                                 ("Reinforcement Learning from Human Feedback",
                                  "Reinforcement Learning from AI Feedback")])
def test_must_not_merge(a, b):
    assert not same_entity(a, b)


def test_resolver_aliases_and_labels():
    r = Resolver()
    a = r.add("Architecture", "Segment Anything Model", aliases=["SAM"])
    b = r.add("Architecture", "SAM")
    c = r.add("Organization", "SAM")
    assert a == b and a != c
    assert r.name_of(a) in {"Segment Anything Model", "SAM"}
    d = r.add("Library", "Tensorflow", canonical="TensorFlow")
    e = r.add("Library", "tensorflow")
    assert d == e and r.name_of(d) == "TensorFlow"
