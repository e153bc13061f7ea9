"""Link-target typing: a Markdown/HTML link's target tells what its text names.

``arxiv.org/abs/ID`` and ``huggingface.co/papers/ID`` → Paper (prop arxiv_id);
``github.com/OWNER/REPO`` → Library (prop repo); ``pypi.org/project/NAME`` → Library
(prop pypi); a model page (``…/model_doc/…``, ``huggingface.co/ORG/MODEL``) →
Architecture (prop hf_id for the latter). Link text that is only a label ("Paper",
"Code", "here") is not a name and yields nothing.

``attach_identifiers`` runs on the final mentions: a name linked to
``huggingface.co/ORG`` that the pipeline typed Organization gets hf_id ORG (the link
alone does not type it: most such pages are people's), and a Library named like a
package in "pip install NAME" gets pypi NAME (see ``kg/identifiers.py``).
"""
from __future__ import annotations

import re

from spacy.language import Language

from kg.identifiers import hf_from_url, pypi_from_url, pypi_name
from kg.keys import normalize_arxiv_id, normalize_name
from ingest.extract.components.base import Mention, meta, mentions, named_title, text_of, titleish

_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?/?$", re.I)
_HF_PAPER = re.compile(r"huggingface\.co/papers/([^\s/?#]+)", re.I)
_PAPER_HOSTS = re.compile(r"(?:openreview\.net/(?:forum|pdf)|aclanthology\.org/|doi\.org/|proceedings\.|papers\.nips\.cc|dl\.acm\.org/doi)", re.I)
# publishers' and proceedings' pages: a link text there that reads like a title is the paper's
_SCHOLARLY_HOSTS = re.compile(r"(?:aclweb\.org/anthology|openaccess\.thecvf\.com|jmlr\.org/papers|mlr\.press/|ijcai\.org/|"
                              r"ojs\.aaai\.org/|ieeexplore\.ieee\.org/|nature\.com/articles|science\.org/doi|biorxiv\.org/|"
                              r"medrxiv\.org/|semanticscholar\.org/paper|link\.springer\.com/|sciencedirect\.com/|"
                              r"ecva\.net/papers|isca-speech\.org/archive)", re.I)
_ET_AL = re.compile(r"\bet al\b", re.I)      # "[Costa et al.](…)" cites people, names no paper
_GITHUB = re.compile(r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", re.I)
_MODEL_DOC = re.compile(r"/model_doc/|huggingface\.co/(?!docs|papers|blog|spaces|datasets|learn)[^/\s]+/[^/\s]+/?$", re.I)
# a pull request, issue, commit or discussion of a repository is not the repository
_GITHUB_ACTIVITY = re.compile(r"github\.com/[^/\s]+/[^/\s]+/(?:pull|pulls|issues|commit|commits|compare|discussions|actions|releases|wiki|graphs|security)\b", re.I)
_HF_DATASET = re.compile(r"huggingface\.co/datasets/", re.I)
# link text that names the package index or the act of installing, not the library
_PYPI_LABEL = re.compile(r"^(?:on |the |our |a )?(?:pypi|pip|pip install|python|package|python package|pypi package|"
                         r"pip package|install|installation|release|latest release|wheel)s?$", re.I)
_LABEL_TEXT = re.compile(r"^\[?(?:paper|papers|code|pdf|arxiv|github|repo|repository|here|link|this|blog|post|video|slides|demo|website|project page|docs|documentation|tweet|thread|source|dataset|model|models|model zoo|example|examples|technical report|tech report|paper link|this https url|\d+)\]?$", re.I)


_OWNER_SLASH_NAME = re.compile(r"[\w.-]+/[\w.-]+")


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
    if _SCHOLARLY_HOSTS.search(url) and titleish(text) and not _ET_AL.search(text):
        return "Paper", {}
    m = _GITHUB.search(url)
    if not m and not pypi_from_url(url) and not _MODEL_DOC.search(url) and named_title(text):
        # "[AnimateDiff: Animate Your Personalized …](project page)": a titled paper (36 of 48
        # such link texts to pages other than arXiv and repositories in the training split)
        return "Paper", {}
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
    pypi = pypi_from_url(url)
    if pypi:
        bare = text.strip("`'\"“”")
        if _PYPI_LABEL.match(bare) or len(bare.split()) > 4 or not re.search(r"[A-Za-z]", bare):
            return None
        return "Library", {"pypi": pypi}
    if _HF_DATASET.search(url):
        return "Dataset", {}
    if _MODEL_DOC.search(url) and len(text.split()) <= 5:
        hf_id = hf_from_url(url)
        return "Architecture", ({"hf_id": hf_id} if hf_id and "/" in hf_id and names_the_model(text, hf_id) else {})
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
        if label == "Architecture" and _OWNER_SLASH_NAME.fullmatch(name):
            # "[lodestones/Chroma1-HD](https://huggingface.co/…)": the model is the part after
            # the owner (the whole id stays in hf_id)
            name = name.split("/", 1)[1]
        if props.get("pypi"):
            name = _pypi_link_name(name.strip("`"), props["pypi"])
        found.append(Mention(span.start, span.end, label, "link", name=name, props=dict(props),
                             confidence=0.9))
    return doc


_PAPER_LABEL = re.compile(r"^\[?(?:paper|arxiv|pdf|abs)\]?$", re.I)


def paper_link(text: str, url: str) -> bool:
    """A link labelled as a paper ("[paper](…)", "[[arXiv]](…)") or pointing at a paper's
    page (arXiv, Hugging Face papers, OpenReview, ACL Anthology, a DOI)."""
    return bool(_PAPER_LABEL.match(text.strip()) or _ARXIV.search(url) or _HF_PAPER.search(url)
                or _PAPER_HOSTS.search(url))


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


def _pypi_link_name(text: str, project: str) -> str:
    """"Triton 2.0.0.post1 release" linked to the project triton names Triton."""
    words = text.split()
    if len(words) > 1 and pypi_name(words[0]) == project:
        return words[0]
    return text


# "pip install [-U] [--pre] name[extra]==1.0 other": the names after the options
_PIP_INSTALL = re.compile(r"(?<![\w-])pip3?\s+install\s+([^\n]{1,300})", re.I)
_PIP_ARG_OPTIONS = {"-r", "--requirement", "-e", "--editable", "-c", "--constraint", "-i",
                    "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target"}
_PIP_STOP = {"and", "or", "to", "then", "with", "for", "in", "on", "the", "a", "an", "from", "if",
             "via", "&&", "||", "|", ";", "#", "or,"}


def pip_install_names(text: str) -> set[str]:
    """Normalized project names that "pip install …" commands in ``text`` install."""
    found: set[str] = set()
    for m in _PIP_INSTALL.finditer(text):
        skip_next = False
        for raw in m.group(1).split()[:8]:
            if skip_next:
                skip_next = False
                continue
            if raw.lower() in _PIP_STOP:
                break
            if raw.startswith("-"):
                skip_next = raw in _PIP_ARG_OPTIONS
                continue
            token = raw.strip("'\"`")
            end = re.search(r"[.,;:)!?]+$", token)
            token = token[:end.start()] if end else token
            token = re.split(r"\[|===|==|>=|<=|~=|!=|<|>|@", token, maxsplit=1)[0]
            name = pypi_name(token)
            if name and "/" not in raw and ":" not in token:
                found.add(name)
            if end or raw.endswith(("'", '"', "`")) and raw.count(raw[-1]) == 1:
                break       # the sentence or the quoted command ends here
    return found


def names_the_model(text: str, hf_id: str) -> bool:
    """Whether a link's text names the model page it points to ("Llama-2-7b-hf" →
    meta-llama/Llama-2-7b-hf), not a family or a base whose fine-tune it links
    ("LLaMA-2" → someone's Llama-2-Chinese-13b-chat): only then is the id the node's."""
    key = normalize_name(text.strip("`'\"“”"))
    return bool(key) and key in {normalize_name(hf_id), normalize_name(hf_id.split("/", 1)[1])}


def _char_span(doc, m) -> tuple[int, int]:
    return doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1].text)


def attach_identifiers(doc, ms) -> None:
    """Identifiers the text gives for the final mentions (after the scorer): a linked
    name's hf_id / pypi where the mention that won came from elsewhere (the catalog), an
    Organization's hf_id from its huggingface.co/ORG link, and a Library's pypi from
    "pip install NAME" when NAME is the library's name. Never replaces a value."""
    links = []
    for link in meta(doc).get("links", ()):
        if "huggingface.co" in link.url.lower() or "hf.co/" in link.url.lower():
            hf_id = hf_from_url(link.url)
            if hf_id and ("/" not in hf_id or names_the_model(link.text, hf_id)):
                links.append((link, "Organization" if "/" not in hf_id else "Architecture",
                              "hf_id", hf_id))
        elif "pypi" in link.url.lower():
            pypi = pypi_from_url(link.url)
            if pypi:
                links.append((link, "Library", "pypi", pypi))
    text = text_of(doc)
    installed = pip_install_names(text) if "install" in text else set()
    if not links and not installed:
        return
    for m in ms:
        if m.end <= m.start or m.label not in {"Organization", "Architecture", "Library"}:
            continue
        start, end = _char_span(doc, m)
        surface = text[start:end]
        for link, lab, prop, value in links:
            if lab == m.label and not m.props.get(prop) and link.start <= start and end <= link.end \
                    and normalize_name(surface) == normalize_name(link.text.strip("`'\"“”")):
                m.props[prop] = value
        if m.label == "Library" and installed and not m.props.get("pypi"):
            for name in (surface, m.name):
                if pypi_name(name) in installed:
                    m.props["pypi"] = pypi_name(name)
                    break
