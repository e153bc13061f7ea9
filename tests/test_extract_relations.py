"""Relation cues (patterns/relation_*.json + components/relations.py) on short,
self-written newsletter/arXiv-style sentences, through the real pipeline."""
import pytest

from kg.models import Document
from ingest.extract import to_contract_json
from ingest.extract.pipeline import Extractor


@pytest.fixture(scope="module")
def ex():
    return Extractor()   # packaged catalog: PyTorch, LLaMA, ImageNet … are known names


def rels(ex, text, kind="newsletter", title=None):
    out = to_contract_json(ex.extract(Document("t", kind, text, title=title)))
    assert all(r["evidence"] and 0 < r["confidence"] <= 1 for r in out["relations"])
    return {(r["head"], r["type"], r["tail"]) for r in out["relations"]}


def test_library_through_library_built_on(ex):
    r = rels(ex, "SonarKit is a toolkit that helps engineers build audio classifiers for many tasks through PyTorch.")
    assert ("SonarKit", "BUILT_ON", "PyTorch") in r


def test_list_item_dash_description(ex):
    r = rels(ex, "* GlimmerViz - visualization library for PyTorch developed by Meta.", kind="list")
    assert ("GlimmerViz", "BUILT_ON", "PyTorch") in r
    assert ("GlimmerViz", "DEVELOPED_BY", "Meta") in r
    assert ("PyTorch", "DEVELOPED_BY", "Meta") not in r


def test_library_that_serves_models_such_as(ex):
    r = rels(ex, "* FastInfer - FastInfer is a small engine that performs inference on large language models such as LLaMA.",
             kind="list")
    assert ("FastInfer", "IMPLEMENTS", "LLaMA") in r


def test_library_based_on_paper(ex):
    r = rels(ex, '* NetSearchy - AutoML library for Keras based on "[Morphing Networks for Efficient Architecture Search](https://arxiv.org/abs/2001.00002)".',
             kind="list")
    assert ("NetSearchy", "IMPLEMENTS", "Morphing Networks for Efficient Architecture Search") in r
    assert ("Keras", "IMPLEMENTS", "Morphing Networks for Efficient Architecture Search") not in r


def test_we_evaluate_main_model_on_datasets(ex):
    r = rels(ex, "We present QuokkaNet, a vision model. QuokkaNet achieves 84.1% top-1 accuracy on ImageNet.",
             kind="arxiv", title="QuokkaNet: Small Vision Models")
    assert ("QuokkaNet", "EVALUATED_ON", "ImageNet") in r


def test_our_model_sets_state_of_the_art(ex):
    r = rels(ex, "We introduce QuokkaNet, a detector for small objects. Our model sets a new state of the art on COCO.",
             kind="arxiv", title="QuokkaNet: Small Object Detection")
    assert ("QuokkaNet", "EVALUATED_ON", "COCO") in r


def test_comparison_target_is_not_evaluated_head(ex):
    r = rels(ex, "We propose QuokkaNet, a detector. QuokkaNet outperforms ResNet on COCO.",
             kind="arxiv", title="QuokkaNet: Small Object Detection")
    assert ("QuokkaNet", "EVALUATED_ON", "COCO") in r
    assert ("ResNet", "EVALUATED_ON", "COCO") not in r


def test_models_are_trained_on(ex):
    r = rels(ex, "We introduce QuokkaNet, a family of code models. The QuokkaNet models are trained on The Stack.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "TRAINED_ON", "The Stack") in r


def test_trained_on_tokens_sourced_from(ex):
    r = rels(ex, "We introduce QuokkaNet, a code model. QuokkaNet is trained on 2 trillion tokens sourced from The Stack.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "TRAINED_ON", "The Stack") in r


def test_dataset_without_cue_gets_no_trained_on(ex):
    r = rels(ex, "We introduce QuokkaNet, a vision model. ImageNet is a popular dataset with many classes.",
             kind="arxiv", title="QuokkaNet")
    assert not any(t in {"TRAINED_ON", "EVALUATED_ON"} for _, t, _ in r)


def test_we_fine_tune_base_model(ex):
    r = rels(ex, "We present QuokkaNet, an assistant for chemistry. We fine-tune LLaMA on chemistry papers to obtain it.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "BUILT_ON", "LLaMA") in r


def test_based_on_sentence_initial(ex):
    r = rels(ex, "We propose QuokkaNet, a medical assistant. Based on LLaMA, we continue pretraining on clinical notes.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "BUILT_ON", "LLaMA") in r


def test_fine_tune_into_other_model_is_not_main(ex):
    r = rels(ex, "We present QuokkaNet, a benchmark suite for tools. We fine-tune LLaMA on it and obtain QuokkaNetLlama.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "BUILT_ON", "LLaMA") not in r


def test_appositive_base_model(ex):
    r = rels(ex, "We study QuokkaNet, a 7B parameter LLaMA model fine-tuned on few examples.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "BUILT_ON", "LLaMA") in r


def test_org_appositive_introduces(ex):
    r = rels(ex, "The Meta AI team, a research group working on efficient models, introduces QuokkaNet and QuokkaNetBase.",
             kind="arxiv", title="QuokkaNet")
    assert ("QuokkaNet", "DEVELOPED_BY", "Meta AI") in r


def test_released_with_paper_and_authors(ex):
    text = ("1. QuokkaNet (from Hedgerow Lab) released with the paper [QuokkaNet: Tiny Models for Tiny Devices]"
            "(https://arxiv.org/abs/2001.00003) by Ann Lee, Bo Chen and Cy Dao. QuokkaNetXL was released with the paper "
            "[Scaling QuokkaNet Models Up](https://arxiv.org/abs/2001.00004) by Dee Fox and Eve Gray.")
    r = rels(ex, text, kind="docs")
    assert ("QuokkaNet: Tiny Models for Tiny Devices", "AUTHORED_BY", "Ann Lee") in r
    assert ("QuokkaNet: Tiny Models for Tiny Devices", "AUTHORED_BY", "Cy Dao") in r
    # authors of the next paper are not authors of the first
    assert ("QuokkaNet: Tiny Models for Tiny Devices", "AUTHORED_BY", "Dee Fox") not in r


def test_compared_with_is_not_implements(ex):
    r = rels(ex, "SonarKit is a fast audio library. Its speed compared with PyTorch is impressive on GPUs.")
    assert not any(t == "IMPLEMENTS" for _, t, _ in r)


@pytest.mark.xfail(strict=True, reason="known gap: the learned relation model links a tool introduced by "
                   "'Using X, we …' to the results that follow (issue 14 note)")
def test_using_tool_is_not_evaluated_head(ex):
    r = rels(ex, "We propose QuokkaNet, a sequence model. Using FlashAttention, we train larger models and achieve "
                 "strong results on SuperGLUE.", kind="arxiv", title="QuokkaNet")
    assert ("FlashAttention", "EVALUATED_ON", "SuperGLUE") not in r
