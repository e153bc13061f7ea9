"""A small hand-written graph in the shape the extractor produces, shared by the
contract tests of both stores. Facts follow the seed newsletter's statements."""
from __future__ import annotations

from kg.models import (Entity, EntityRef, Evidence, GraphBatch, Mention, Relation,
                       SourceDoc)

EXTRACTOR = ("fixture", "1")


def _ev(source: str, sentence: str, confidence: float = 0.9) -> Evidence:
    return Evidence(source, sentence, *EXTRACTOR, confidence)


def sample_batch() -> GraphBatch:
    E = {
        "mixer": Entity("Architecture", "MLP-Mixer", aliases=["MLP Mixer", "Mixer"]),
        "mixer_paper": Entity("Paper", "MLP-Mixer: An all-MLP Architecture for Vision",
                              props={"arxiv_id": "2105.01601"}),
        "pytorch": Entity("Library", "PyTorch", aliases=["Pytorch", "torch"]),
        "tf": Entity("Library", "TensorFlow", aliases=["Tensorflow", "TF"]),
        "jax": Entity("Library", "JAX"),
        "timm": Entity("Library", "timm", props={"repo": "huggingface/pytorch-image-models"}),
        "functorch": Entity("Library", "functorch"),
        "pt3d": Entity("Library", "PyTorch3D"),
        "greykite": Entity("Library", "GreyKite", aliases=["Greykite"]),
        "linkedin": Entity("Organization", "LinkedIn"),
        "google": Entity("Organization", "Google", aliases=["Google Research"]),
        "meta": Entity("Organization", "Meta AI"),
        "tsmixer": Entity("Architecture", "TSMixer"),
        "imagenet": Entity("Dataset", "ImageNet", aliases=["ImageNet-1k"]),
        "jft": Entity("Dataset", "JFT-300M"),
        "tolstikhin": Entity("Person", "Ilya Tolstikhin"),
        "mha": Entity("Architecture", "Multi-Head Attention"),
        "conformer": Entity("Architecture", "Conformer-CTC"),
    }
    r = {k: EntityRef.of(v) for k, v in E.items()}
    s1, s2, s3 = "news-08-mlp-mixer", "news-11-functorch", "arxiv:2105.01601"
    rels = [
        Relation("IMPLEMENTS", r["pytorch"], r["mixer"],
                 _ev(s1, "MLP-Mixer is available in both TensorFlow and PyTorch.")),
        Relation("IMPLEMENTS", r["tf"], r["mixer"],
                 _ev(s1, "MLP-Mixer is available in both TensorFlow and PyTorch.")),
        Relation("IMPLEMENTS", r["timm"], r["mixer_paper"],
                 _ev(s3, "timm implements the MLP-Mixer paper.", 0.7)),
        Relation("INTRODUCES", r["mixer_paper"], r["mixer"],
                 _ev(s3, "We propose MLP-Mixer, an architecture based exclusively on MLPs.")),
        Relation("AUTHORED_BY", r["mixer_paper"], r["tolstikhin"], _ev(s3, "arXiv metadata", 1.0)),
        Relation("EVALUATED_ON", r["mixer_paper"], r["imagenet"],
                 _ev(s3, "Mixer attains 87.94% top-1 validation accuracy on ImageNet.")),
        Relation("TRAINED_ON", r["mixer"], r["jft"],
                 _ev(s3, "When pre-trained on JFT-300M, Mixer attains ...")),
        Relation("DEVELOPED_BY", r["mixer"], r["google"], _ev(s1, "Google released MLP-Mixer.")),
        Relation("BUILT_ON", r["functorch"], r["pytorch"],
                 _ev(s2, "functorch is a PyTorch based library.")),
        Relation("BUILT_ON", r["timm"], r["pytorch"], _ev(s3, "timm is built on PyTorch.")),
        Relation("BUILT_ON", r["pt3d"], r["pytorch"], _ev(s2, "PyTorch3D builds on PyTorch.")),
        Relation("BUILT_ON", r["tsmixer"], r["mixer"],
                 _ev(s1, "TSMixer: a lightweight MLP-Mixer model for time series.")),
        Relation("DEVELOPED_BY", r["greykite"], r["linkedin"],
                 _ev(s2, "LinkedIn open sourced GreyKite.")),
        Relation("DEVELOPED_BY", r["pytorch"], r["meta"], _ev(s2, "PyTorch from Meta AI.")),
        Relation("DEVELOPED_BY", r["functorch"], r["meta"], _ev(s2, "functorch from Meta AI.")),
        Relation("USES", r["conformer"], r["mha"],
                 _ev(s2, "Conformer-CTC uses Multi-Head Attention.")),
        # the same fact from a second source: support 2
        Relation("IMPLEMENTS", r["pytorch"], r["mixer"],
                 _ev(s3, "Official PyTorch implementations exist.", 0.6)),
    ]
    sources = [
        SourceDoc(s1, "newsletter", "https://example.org/issue-1#mixer", "2021-05-10", "h1",
                  "MLP-Mixer"),
        SourceDoc(s2, "newsletter", "https://example.org/issue-1#functorch", "2021-05-10", "h2",
                  "functorch"),
        SourceDoc(s3, "arxiv", "https://arxiv.org/abs/2105.01601", "2021-05-04", "h3",
                  "MLP-Mixer: An all-MLP Architecture for Vision"),
    ]
    mentions = [Mention(s1, r["mixer"], "MLP-Mixer is available in both TensorFlow and PyTorch."),
                Mention(s3, r["mixer"], "We propose MLP-Mixer."),
                Mention(s2, r["functorch"], "functorch is a PyTorch based library.")]
    return GraphBatch(sources=sources, entities=list(E.values()), relations=rels,
                      mentions=mentions)
