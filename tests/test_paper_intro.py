"""'The X model was proposed / introduced / presented in [Title](link) by A, B and C':
INTRODUCES(paper → X) and AUTHORED_BY for each author, also when the title does not
contain X, and with link text and author lists wrapped over line breaks."""
from __future__ import annotations

import pytest

from ingest.extract.markup import clean
from kg.models import Document


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _run(extractor, text, kind="docs"):
    ex = extractor.extract(Document(id="d", kind=kind, text=text))
    ents = {(str(e.label), e.name) for e in ex.entities}
    rels = {(r.head.name, str(r.type), r.tail.name) for r in ex.relations}
    return ents, rels


T5_TITLE = "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer"
T5_AUTHORS = ["Colin Raffel", "Noam Shazeer", "Adam Roberts", "Katherine Lee", "Sharan Narang",
              "Michael Matena", "Yanqi Zhou", "Wei Li", "Peter J. Liu"]


def test_presented_in_title_without_the_name_wrapped_over_lines(extractor):
    text = ("The T5 model was presented in [Exploring the Limits of Transfer Learning with a Unified\n"
            "Text-to-Text Transformer](https://arxiv.org/pdf/1910.10683.pdf) by Colin Raffel, Noam Shazeer, "
            "Adam Roberts, Katherine Lee,\nSharan Narang, Michael Matena, Yanqi Zhou, Wei Li and Peter J. Liu.")
    ents, rels = _run(extractor, text)
    assert ("Paper", T5_TITLE) in ents
    assert (T5_TITLE, "INTRODUCES", "T5") in rels
    assert {a for h, t, a in rels if h == T5_TITLE and t == "AUTHORED_BY"} == set(T5_AUTHORS)
    assert not [n for _, n in ents if "1910.10683" in n or "pdf" in n]


@pytest.mark.parametrize("verb", ["proposed", "introduced", "presented"])
def test_verbs_and_authors(extractor, verb):
    title = "CvT: Introducing Convolutions to Vision Transformers"
    text = (f"The CvT model was {verb} in [{title}](https://arxiv.org/abs/2103.15808) by Haiping Wu, "
            "Bin Xiao, Noel Codella, Mengchen Liu, Xiyang Dai, Lu Yuan and Lei Zhang. CvT improves ViT.")
    ents, rels = _run(extractor, text)
    assert (title, "INTRODUCES", "CvT") in rels
    authors = {a for h, t, a in rels if h == title and t == "AUTHORED_BY"}
    assert authors == {"Haiping Wu", "Bin Xiao", "Noel Codella", "Mengchen Liu", "Xiyang Dai",
                       "Lu Yuan", "Lei Zhang"}


def test_title_with_parenthesis_wrapped(extractor):
    title = "Big Transfer (BiT): General Visual Representation Learning"
    text = ("The BiT model was proposed in [Big Transfer (BiT): General Visual Representation\n"
            "Learning](https://arxiv.org/abs/1912.11370) by Alexander Kolesnikov, Lucas Beyer and Xiaohua Zhai.")
    ents, rels = _run(extractor, text)
    assert (title, "INTRODUCES", "BiT") in rels
    assert (title, "AUTHORED_BY", "Lucas Beyer") in rels
    assert not [n for _, n in ents if "abs/" in n]


def test_link_text_wraps_but_not_over_a_blank_line():
    one = clean("see [Big Transfer\nLearning](https://arxiv.org/abs/1912.11370) now")
    assert one.text == "see Big Transfer Learning now"
    assert [(l.text, l.url) for l in one.links] == [("Big Transfer Learning", "https://arxiv.org/abs/1912.11370")]
    two = clean("[Heading\n\nbody](https://example.org)")
    assert not two.links


def test_soft_break_keeps_offsets_and_hard_breaks():
    c = clean("by A. Lee,\nB. Chen and\nC. Dao\n\nNext item\nSecond line")
    assert c.text == "by A. Lee, B. Chen and C. Dao\n\nNext item\nSecond line"


def test_a_bold_title_before_a_paper_link_is_the_linked_paper(extractor):
    text = "- (2023-04) **Scaling Quillformers to 1M Tokens and Beyond** [paper](https://arxiv.org/abs/2304.11062)"
    cleaned = clean(text)
    assert [(l.text, l.url) for l in cleaned.links][0] == \
        ("Scaling Quillformers to 1M Tokens and Beyond", "https://arxiv.org/abs/2304.11062")
    out = extractor.extract(Document(id="t", kind="list", text=text))
    papers = {e.name: e for e in out.entities if str(e.label) == "Paper"}
    assert papers["Scaling Quillformers to 1M Tokens and Beyond"].props.get("arxiv_id") == "2304.11062"
    # bold text before a link to anything but a paper stays text
    assert len(clean("**Quillify Toolkit for Everyone** [code](https://github.com/q/quillify)").links) == 1


def test_markdown_escapes_hard_breaks_quotes_and_italics_render_as_text():
    c = clean("> **Mamba: Linear-Time Sequence Modeling**\\\n> Albert Gu*, Tri Dao*\\\n> Paper: x")
    assert c.text == "Mamba: Linear-Time Sequence Modeling\nAlbert Gu*, Tri Dao*\nPaper: x"
    # an escaped star is a star, and never closes the italics around it
    c = clean("*Edward J. Hu\\*, Yelong Shen\\*, Phillip Wallis*\n\\[Feature\\] ERNIE\\_3 a\\\\b")
    assert c.text == "Edward J. Hu*, Yelong Shen*, Phillip Wallis\n[Feature] ERNIE_3 a\\b"
    assert not c.links
    # a star inside a word or after a name is no emphasis
    assert clean("2*3*4 and Gu*, Dao*").text == "2*3*4 and Gu*, Dao*"


FLASH = "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"


@pytest.mark.parametrize("kind", ["newsletter", "docs"])
@pytest.mark.parametrize("shape", [
    # a README's bold title, its author line, its "Paper:" line
    "**{title}**\nTri Dao, Daniel Y. Fu, Stefano Ermon, Atri Rudra, Christopher Ré\nPaper: https://arxiv.org/abs/2205.14135\n",
    # the same in a quote with hard breaks and equal-contribution stars
    "> **{title}**\\\n> Tri Dao\\*, Daniel Y. Fu\\*, Stefano Ermon, Atri Rudra, Christopher Ré\\\n> Paper: x\n",
    # italic author line
    "**{title}**\n*Tri Dao, Daniel Y. Fu, Stefano Ermon, Atri Rudra and Christopher Ré*\n",
    # one linked author per line
    "[**{title}**](https://example.org/flash)\n[Tri Dao](https://example.org/t)\\*,\n[Daniel Y. Fu](https://example.org/d),\n"
    "[Stefano Ermon](https://example.org/s),\n[Atri Rudra](https://example.org/a),\n[Christopher Ré](https://example.org/c)\n\n"
    "We propose an IO-aware attention algorithm.",
])
def test_an_author_line_under_a_paper_title(extractor, shape, kind):
    ents, rels = _run(extractor, "This repository provides the official implementation.\n\n" + shape.format(title=FLASH), kind)
    assert ("Paper", FLASH) in ents
    assert {a for h, t, a in rels if h == FLASH and t == "AUTHORED_BY"} == \
        {"Tri Dao", "Daniel Y. Fu", "Stefano Ermon", "Atri Rudra", "Christopher Ré"}


def test_an_author_line_in_a_paper_list_item_with_a_surname_that_is_a_model_name(extractor):
    title = "Bridging the Gap Between Spectral and Spatial Domains in Graph Neural Networks"
    text = (f"- **{title} (ArXiv 2020)**\n  - Muhammet Balcilar, Guillaume Renton, Pierre Heroux, "
            "Benoit Gauzere, Sebastien Adam, Paul Honeine\n  - [[Paper]](https://arxiv.org/abs/2003.11702)\n")
    ents, rels = _run(extractor, text, "list")
    assert ("Person", "Sebastien Adam") in ents
    assert (title, "AUTHORED_BY", "Sebastien Adam") in rels
    assert len({a for h, t, a in rels if h == title and t == "AUTHORED_BY"}) == 6


@pytest.mark.parametrize("line", [
    # a sentence, not a list of names
    "Tri Dao and Daniel Y. Fu show that attention is memory-bound on GPUs.",
    # affiliations, not people
    "Stanford University, University at Buffalo",
])
def test_a_line_under_a_title_that_is_not_only_names_gives_no_authors(extractor, line):
    ents, rels = _run(extractor, f"**{FLASH}**\n{line}\nPaper: https://arxiv.org/abs/2205.14135\n", "newsletter")
    assert not {(h, a) for h, t, a in rels if t == "AUTHORED_BY" and h == FLASH}
    assert ("Person", "Stanford University") not in ents


@pytest.mark.parametrize("url", ["http://www.aclweb.org/anthology/P18-1031",
                                 "https://openaccess.thecvf.com/content_cvpr_2016/papers/He_Deep_CVPR_2016_paper.pdf",
                                 "https://www.nature.com/articles/s41586-021-03819-2"])
def test_a_title_linked_to_a_publishers_page_is_a_paper(url):
    from ingest.extract.components.links import classify_link
    assert classify_link(url, "Universal Language Model Fine-tuning for Text Classification") == ("Paper", {})
    # not a title, or a citation of people: not a paper's name
    assert classify_link(url, "designing of CDR loops in antibodies!") is None
    assert classify_link(url, "Costa et al.") is None


def test_an_author_list_after_by_and_two_spaces_keeps_its_first_linked_author(extractor):
    title = "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human Feedback in LLMs"
    text = (f"TRL supports the RLOO Trainer, as described in the paper [{title}](https://huggingface.co/papers/2402.14740) "
            "by  [Arash Ahmadian](https://huggingface.co/ArashAhmadian), Chris Cremer, "
            "[Matthias Gallé](https://huggingface.co/mgalle) and [Sara Hooker](https://huggingface.co/sarahooker).")
    ents, rels = _run(extractor, text)
    assert {a for h, t, a in rels if h == title and t == "AUTHORED_BY"} == \
        {"Arash Ahmadian", "Chris Cremer", "Matthias Gallé", "Sara Hooker"}


@pytest.mark.parametrize("field, title", [
    ("* Paper: `Searching for MobileNetV3` - https://arxiv.org/abs/1905.02244", "Searching for MobileNetV3"),
    ("Paper: Xception: Deep Learning with Depthwise Separable Convolutions https://arxiv.org/abs/1610.02357",
     "Xception: Deep Learning with Depthwise Separable Convolutions"),
    ('- Original paper: "Proximal Policy Optimization Algorithms"', "Proximal Policy Optimization Algorithms"),
])
def test_a_paper_field_names_the_paper(extractor, field, title):
    ents, _ = _run(extractor, f"## Some Model\n\n* Implementation: model.py\n{field}\n")
    assert ("Paper", title) in ents


@pytest.mark.parametrize("field", ["Paper: https://arxiv.org/abs/2205.14135", "Paper: coming soon", "Paper: TBD"])
def test_a_paper_field_without_a_title_names_no_paper(extractor, field):
    ents, _ = _run(extractor, f"{field}\n")
    assert not [n for label, n in ents if label == "Paper"]
