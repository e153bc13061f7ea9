"""Link-target typing: a Markdown/HTML link's target tells what its text names.

``arxiv.org/abs/ID`` and ``huggingface.co/papers/ID`` → Paper (prop arxiv_id);
``github.com/OWNER/REPO`` → Library (prop repo); a model page
(``…/model_doc/…``, ``huggingface.co/ORG/MODEL``) → Architecture. Link text that
is only a label ("Paper", "Code", "here") is not a name and yields nothing.
"""
from __future__ import annotations

import re

from spacy.language import Language

from kg.keys import normalize_arxiv_id
from ingest.extract.components.base import Mention, meta, mentions, text_of

_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?/?$", re.I)
_HF_PAPER = re.compile(r"huggingface\.co/papers/([^\s/?#]+)", re.I)
_PAPER_HOSTS = re.compile(r"(?:openreview\.net/(?:forum|pdf)|aclanthology\.org/|doi\.org/|proceedings\.|papers\.nips\.cc|dl\.acm\.org/doi)", re.I)
_GITHUB = re.compile(r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.I)
_MODEL_DOC = re.compile(r"/model_doc/|huggingface\.co/(?!docs|papers|blog|spaces|datasets|learn)[^/\s]+/[^/\s]+/?$", re.I)
# a pull request, issue, commit or discussion of a repository is not the repository
_GITHUB_ACTIVITY = re.compile(r"github\.com/[^/\s]+/[^/\s]+/(?:pull|pulls|issues|commit|commits|compare|discussions|actions|releases|wiki|graphs|security)\b", re.I)
_HF_DATASET = re.compile(r"huggingface\.co/datasets/", re.I)
_LABEL_TEXT = re.compile(r"^\[?(?:paper|papers|code|pdf|arxiv|github|repo|repository|here|link|this|blog|post|video|slides|demo|website|project page|docs|documentation|tweet|thread|source|dataset|model|models|model zoo|example|examples|technical report|tech report|paper link|this https url|\d+)\]?$", re.I)


def classify_link(url: str, text: str) -> tuple[str, dict] | None:
    """(label, props) for a link whose text names something, else None."""
    text = text.strip()
    if not text or _LABEL_TEXT.match(text) or text.startswith(("http", "www.")):
        return None
    m = _ARXIV.search(url) or _HF_PAPER.search(url)
    if m:
        arxiv_id = normalize_arxiv_id(m.group(1))
        return "Paper", ({"arxiv_id": arxiv_id} if arxiv_id else {})
    if _PAPER_HOSTS.search(url) and len(text.split()) >= 3:
        return "Paper", {}
    m = _GITHUB.search(url)
    if m:
        owner, repo = m.group(1), m.group(2)
        if repo.endswith(".git"):
            repo = repo[:-4]
        if owner.lower() in {"orgs", "topics", "features", "sponsors", "marketplace"}:
            return None
        if len(text.split()) > 6:   # a sentence-like link text is not a name
            return None
        if _GITHUB_ACTIVITY.search(url) or not re.search(r"[A-Za-z]", text) or text.startswith("#") \
                or text.lower().startswith("the "):
            return None
        return "Library", {"repo": f"{owner}/{repo}"}
    if _HF_DATASET.search(url):
        return "Dataset", {}
    if _MODEL_DOC.search(url) and len(text.split()) <= 5:
        return "Architecture", {}
    return None


@Language.component("mlkg_links_v1")
def mlkg_links(doc):
    found = mentions(doc)
    for link in meta(doc).get("links", ()):
        typed = classify_link(link.url, link.text)
        if typed is None:
            if _LABEL_TEXT.match(link.text.strip()):
                # "[Paper](…)", "[Code](…)": a label, never a name
                span = doc.char_span(link.start, link.end, alignment_mode="expand")
                if span is not None and len(span):
                    meta(doc).setdefault("label_spans", []).append((span.start, span.end))
            continue
        span = doc.char_span(link.start, link.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        label, props = typed
        name = link.text.strip().strip('"“”\'')
        if label == "Library" and ": " in name:     # "nanochat: The best ChatGPT …"
            name = name.split(": ", 1)[0]
        if label == "Paper":
            name = name.rstrip(".")
        found.append(Mention(span.start, span.end, label, "link", name=name, props=dict(props),
                             confidence=0.9))
    return doc


_PAPER_LABEL = re.compile(r"^\[?(?:paper|arxiv|pdf|abs)\]?$", re.I)


def attach_paper_links(doc, ms) -> None:
    """A paper title followed on its line by a labelled link ("**Title** [[paper](arXiv
    link)] [[code](…)]"): the link's arXiv id is the title's, so the Paper is keyed by it
    as a linked title would be. Runs on the final mentions (after the scorer)."""
    links = [l for l in meta(doc).get("links", ()) if _PAPER_LABEL.match(l.text.strip())]
    if not links:
        return
    text = text_of(doc)
    for m in ms:
        if m.label != "Paper" or m.end <= m.start or m.props.get("arxiv_id"):
            continue
        end = doc[m.end - 1].idx + len(doc[m.end - 1].text)
        for link in links:
            gap = text[end:link.start]
            if 0 <= link.start - end <= 40 and "\n" not in gap:
                m_ = _ARXIV.search(link.url) or _HF_PAPER.search(link.url)
                arxiv_id = normalize_arxiv_id(m_.group(1)) if m_ else None
                if arxiv_id:
                    m.props["arxiv_id"] = arxiv_id
                break
