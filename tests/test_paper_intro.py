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
