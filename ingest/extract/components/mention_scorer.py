"""The learned mention scorer: keeps the selected mentions that read like the names
annotators mark, and drops the rest.

The rules and the recogniser propose; on text they have not seen, about half of what
they propose is not an annotated entity — class names from changelogs
("FSDPStrategy"), generic terms ("Generative Adversarial Network", "Layer
Normalization"), units and hardware ("dB", "A6000 GPU"), release headings taken for
titles ("PyTorch 1.5.0 (2021-11-02) — Changed"), link texts ("Example1"). This stage
scores every selected mention with a logistic regression over what the mention is
(its label, which sources proposed it, whether the recogniser and the catalog agree,
its shape) and where it stands (words around it, title, line start, link, list
item, whether a relation was found on it), and drops the names whose best mention
scores below the threshold chosen on the training split's dev slice, and lower-case
ordinary English words ("zeros", "short-range") that nothing vouches for.

Every mention of one name in a document shares the decision (the name's best score),
because the graph keeps names, not occurrences. The weights are trained by
``python -m ingest.extract.training mentions`` on mentions from recognisers that did
not see the document (cross-fitting), so the scorer learns how far to trust the
recogniser on unseen text, not on its own training data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.language import Language

from kg.identifiers import pypi_name
from kg.keys import normalize_name
from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import Mention, meta, mentions, span_text, text_of, state
from ingest.extract.components.learned_names import RECOGNISED
from ingest.extract.components.mention_typing import first_artifact
from ingest.extract.components.relation_model import hash_features
from ingest.extract.lexicon import is_ordinary_english

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "mentions.npz"
_DIGIT = re.compile(r"\d")
_DATE = re.compile(r"\b(?:19|20)\d\d-\d\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d")
_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)?\b")


def _shape(s: str) -> str:
    """Xxxx / xxxx / XXXX / dd / mixed, collapsed runs: "FSDPStrategy" → "XxXx"."""
    out = []
    for ch in s[:24]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


_PAPER_HOSTS = ("arxiv.org", "openreview.net", "aclanthology.org", "doi.org", "papers.nips.cc",
                "proceedings.", "paperswithcode.com", "semanticscholar.org", "dl.acm.org", "ieeexplore")
_CODE_HOSTS = ("github.com", "gitlab.com", "pypi.org", "bitbucket.org")


def _host_kind(url: str) -> str:
    """What a link points at: a paper, code, a model hub page, or elsewhere."""
    u = (url or "").lower()
    if any(h in u for h in _PAPER_HOSTS) or u.endswith(".pdf"):
        return "paper"
    if any(h in u for h in _CODE_HOSTS):
        return "code"
    if "huggingface.co" in u:
        return "hub"
    return "other" if u.startswith("http") else "relative"


def _key(m: Mention) -> tuple[str, str]:
    """A name as the graph keys it (so "Würzburg" and "北京" are names, not "")."""
    return (m.label or "", normalize_name(m.name))


def context_cues(doc, ms: list[Mention], cue_of) -> list[tuple[str | None, str]]:
    """Per mention, the names stage's reading of the explicit cue around its span
    (``NameFinder.cue``: (type, cue id), or (None, "")), whatever proposed it — read once,
    for the features and for the protections."""
    if cue_of is None:
        return [(None, "")] * len(ms)
    kind = meta(doc).get("kind", "newsletter")
    n = len(doc)
    return [cue_of(doc, m.start, m.end, kind) if m.start < m.end <= n else (None, "") for m in ms]


def mention_features(doc, ms: list[Mention], catalog, ctx: list[tuple[str | None, str]]) -> list[list[str]]:
    """One list of feature strings per mention (hashed by the caller); ``ctx`` is
    ``context_cues(doc, ms, …)``."""
    info = meta(doc)
    text = text_of(doc)
    texts = state(doc).texts or [t.text for t in doc]
    idx = state(doc).idx or [t.idx for t in doc]
    n = len(texts)
    title = info.get("title_span")
    links = info.get("links", ())
    ner_at: dict[int, tuple[int, int, str]] = {}
    # the recogniser's names that survived its checks (a sentence it took for a title does not count)
    recognised = doc.spans[RECOGNISED] if RECOGNISED in doc.spans else doc.ents
    for e in recognised:
        for k in range(e.start, e.end):
            ner_at[k] = (e.start, e.end, e.label_)
    subject = state(doc).subject
    in_rel: dict[int, set[str]] = {}
    for h in state(doc).relations:
        in_rel.setdefault(h.head, set()).add("h:" + h.type)
        in_rel.setdefault(h.tail, set()).add("t:" + h.type)
    low = text.lower()
    starts = state(doc).starts or [False] * n
    lower_elsewhere: dict[str, bool] = {}
    out = []
    for i, m in enumerate(ms):
        lab, src = m.label or "-", m.source
        name = m.name or span_text(doc, m.start, m.end)
        start = idx[m.start] if m.start < n else 0
        end = idx[m.end - 1] + len(texts[m.end - 1]) if 0 < m.end <= n else start
        # no document-kind prior: the training corpus's mix of kinds (few paper titles
        # in its newsletter-style items) is not next week's
        f = ["bias", f"lab={lab}", f"src={src}", f"src={src}|lab={lab}"]
        ner = {ner_at.get(k) for k in range(m.start, m.end)} - {None}
        if not ner:
            f.append(f"ner=none|src={src}")
        else:
            exact = any((a, b) == (m.start, m.end) for a, b, _ in ner)
            agree = any(t == lab for _, _, t in ner)
            f += [f"ner={'exact' if exact else 'overlap'}|agree={agree}|src={src}",
                  f"ner_lab={'/'.join(sorted(t for _, _, t in ner))}|lab={lab}"]
        if m.props.get("cue"):
            f.append(f"cue={m.props['cue']}|lab={lab}")
        cue_label, cue_id = ctx[i]
        if cue_id:
            f += [f"ctx_cue={cue_id}|agree={cue_label == lab}", f"ctx_cue_lab={cue_label}|lab={lab}"]
        known = catalog.lookup(name)
        if known:
            f.append(f"catalog|agree={lab in {e.label for e in known}}")
        if catalog.is_generic(name):
            f.append("generic")
        for key, value in m.props.items():
            if value and key in {"strong", "cue_head", "name_head", "contains_catalog", "inner_of", "tag",
                                 "arxiv_id", "repo"}:
                f.append(f"prop={key}|lab={lab}")
        words = name.split()
        shape = _shape(name)
        f += [f"shape={shape}|lab={lab}", f"ntok={min(m.end - m.start, 6)}|lab={lab}",
              f"nwords={min(len(words), 6)}|lab={lab}",
              f"suf3={name[-3:].lower()}|lab={lab}", f"digit={bool(_DIGIT.search(name))}|lab={lab}"]
        if len(words) > 1:      # a head word ("… Strategy", "… Network"); one word is the name itself
            f += [f"last={words[-1].lower()[-12:]}|lab={lab}", f"first={words[0].lower()[:12]}|lab={lab}"]
        if lab == "Paper":      # release headings vs titles
            f += [f"title_date={bool(_DATE.search(name))}", f"title_version={bool(_VERSION.search(name))}",
                  f"title_colon={':' in name}", f"title_question={name.rstrip().endswith('?')}",
                  f"title_dash={' — ' in name or ' - ' in name}", f"title_paren={'(' in name}"]
        if name.islower():
            f.append(f"lower|lab={lab}")
        if name.isupper() and len(name) > 1:
            f.append(f"upper|lab={lab}")
        if any(c.isupper() for c in name[1:]) and any(c.islower() for c in name):
            f.append(f"innercap|lab={lab}")
        prev = texts[m.start - 1].lower() if m.start > 0 else "<s>"
        prev2 = texts[m.start - 2].lower() if m.start > 1 else "<s>"
        nxt = texts[m.end].lower() if m.end < n else "</s>"
        nxt2 = texts[m.end + 1].lower() if m.end + 1 < n else "</s>"
        f += [f"p1={prev}", f"p2={prev2}|{prev}", f"n1={nxt}", f"n2={nxt}|{nxt2}", f"p1={prev}|lab={lab}",
              f"n1={nxt}|lab={lab}"]
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start].strip()
        f.append(f"linepos={'start' if not before else 'bullet' if before in {'-', '*', '+', '#', '##', '###'} else 'mid'}")
        line_end = text.find("\n", end)
        if not text[end:line_end if line_end >= 0 else len(text)].strip():
            f.append(f"line_end|lab={lab}")
        if title and title[0] <= start and end <= title[1]:
            f.append(f"in_title|whole={(start, end) == tuple(title)}|lab={lab}")
            if info.get("title_cue"):
                f.append(f"title_cue={info['title_cue']}|lab={lab}")
        link = next((l for l in links if l.start <= start and end <= l.end), None)
        if link is not None:
            f += [f"in_link|src={src}", f"link={_host_kind(link.url)}|lab={lab}",
                  f"link_whole={end - start >= (link.end - link.start) - 2}|lab={lab}"]
        if m.start > 0 and starts[m.start]:
            f.append(f"sent_start|lab={lab}")
        if name not in lower_elsewhere:     # two scans of the text: once per name
            lower_elsewhere[name] = (name != name.lower() and name.lower() in low
                                     and text.count(name) < low.count(name.lower()))
        if lower_elsewhere[name]:
            f.append("lower_elsewhere")
        if i == subject:
            f.append(f"subject|lab={lab}")
        for r in sorted(in_rel.get(i, ())):
            f.append(f"rel={r}")
        if not in_rel.get(i):
            f.append(f"norel|lab={lab}")
        out.append(f)
    return out


@dataclass(slots=True)
class MentionWeights:
    weights: numpy.ndarray    # (N_FEATURES,) float32
    bias: float
    threshold: float
    precise_cues: frozenset   # "cue id|label" keys measured as precise (see ``protected``)

    @classmethod
    @lru_cache(maxsize=2)
    def load(cls, path: str = str(MODEL_PATH)) -> "MentionWeights | None":
        if not Path(path).exists():
            return None
        with numpy.load(path) as z:
            precise = frozenset(str(x) for x in z["precise_cues"]) if "precise_cues" in z else frozenset()
            return cls(z["weights"].astype(numpy.float32), float(z["bias"]), float(z["threshold"]), precise)

    def probability(self, idx: numpy.ndarray) -> float:
        return float(1.0 / (1.0 + numpy.exp(-(self.weights[idx].sum() + self.bias))))


def cue_keys(ms: list[Mention], ctx: list[tuple[str | None, str]]) -> list[str]:
    """Per mention, "cue id|label" of the explicit cue that types it ("head-noun:library|
    Library", "org-suffix:university|Organization"), or "" — its own cue, else the context's
    (``context_cues``) when that agrees with its label."""
    out = []
    for m, (label, ctx_id) in zip(ms, ctx):
        cue = m.props.get("cue") or (ctx_id if label == m.label else "")
        out.append(f"{cue}|{m.label}" if cue else "")
    return out


def protected(doc, ms: list[Mention], keys: list[str] = (), precise: frozenset = frozenset()) -> set[int]:
    """Mentions the scorer never drops, because the text vouches for them: a name typed
    by a cue measured as precise on the training split (``precise``, kept with the
    weights: ≥ 60 % of ≥ 20 names so typed are annotated entities — "X library",
    "… Labs", "X is a … model"), the title of an arXiv record or of an item that says
    it is a paper (and the system an arXiv title names when it is only a name:
    "LongLLaMA"), a paper whose authors the text lists ("… released with the
    paper [Title](…) by A, B and C") and a repository the text names as the code's
    home ("released in the repository [org/repo](…)") or a name linked to its own PyPI page. A dropped paper takes every author edge with it,
    and these shapes are rare in the training corpus."""
    kind = meta(doc).get("kind", "newsletter")
    title_said = kind == "arxiv" or meta(doc).get("title_cue") == "is-a-paper"   # "X is a new paper …"
    out = {i for i, m in enumerate(ms) if m.label == "Paper" and m.source == "title" and title_said}
    if meta(doc).get("title_is_name"):     # an arXiv title that is only a system name: the system
        out |= {i for i, m in enumerate(ms) if m.source == "title" and m.label != "Paper"}
    out |= {h.head for h in state(doc).relations
            if h.type == "AUTHORED_BY" and h.head < len(ms) and ms[h.head].label == "Paper"}
    out |= {h.head for h in state(doc).relations if h.cue == "repository"}   # "released in the repository R"
    # a name linked to its own PyPI page ("[`accelerate`](https://pypi.org/project/accelerate/)")
    out |= {i for i, m in enumerate(ms) if m.source == "link" and m.props.get("pypi")
            and pypi_name(m.name) == m.props["pypi"]}
    starts = state(doc).starts or []
    out |= {i for i, k in enumerate(keys) if k and k in precise
            and not (k.startswith("head-noun:") and _sentence_word(doc, ms[i], starts))}
    return out


def _sentence_word(doc, m: Mention, starts: list[bool]) -> bool:
    """A one-word name that opens its sentence and is an English word ("Practical
    implementation of …", "Official implementation of …"): the capital is the
    sentence's, so the head noun after it does not vouch for a name (a verb after it
    still does: "Nimbus implements …")."""
    if m.end - m.start != 1 or not (m.start < len(starts) and starts[m.start]) or not m.name.istitle():
        return False      # "marble is a library …": a lower-case opening is the name's own
    return is_ordinary_english(m.name)


def ordinary_words(ms: list[Mention], catalog) -> list[bool]:
    """Per mention, whether it is lower-case ordinary English that the catalog does not
    know ("zeros", "miss", "short-range", "released"): read as a word, not a name.
    The scorer drops it unless a precise cue vouches for it ("accelerate is a
    library"): see ``protected``. Capitalised words are left to the weights ("Falcon")."""
    return [bool(m.name) and m.name.islower() and is_ordinary_english(m.name) and not catalog.lookup(m.name)
            for m in ms]


def keep_decisions(ms: list[Mention], probs: list[float], threshold: float,
                   always: set[int] = frozenset()) -> list[bool]:
    """A name is kept when its best mention in the document reaches the threshold (or
    one of its mentions is in ``always``)."""
    best: dict[tuple[str, str], float] = {}
    for i, (m, p) in enumerate(zip(ms, probs)):
        k = _key(m)
        best[k] = max(best.get(k, 0.0), 1.0 if i in always else p)
    return [best[_key(m)] >= threshold for m in ms]


def drop_mentions(doc, keep: list[bool]) -> None:
    """Remove mentions and everything that points at them by index (subject,
    coreference, relation hits, a title's inner names)."""
    ms = mentions(doc)
    new_index: dict[int, int] = {}
    kept: list[Mention] = []
    for i, (m, k) in enumerate(zip(ms, keep)):
        if k:
            new_index[i] = len(kept)
            kept.append(m)
    for m, k in zip(ms, keep):
        if not k:
            # a dropped title's inner names stand on their own now
            for j in m.props.get("inner", ()):
                if j in new_index:
                    ms[j].props.pop("inner_of", None)
    for m in kept:
        if "inner" in m.props:
            m.props["inner"] = [new_index[j] for j in m.props["inner"] if j in new_index]
    st = state(doc)
    subject = st.subject
    if subject is not None and subject not in new_index:
        # the item still has a subject: the first name inside the dropped one (a
        # heading "CoCa - Pytorch" taken for a paper title), else the first artifact
        inner = [new_index[j] for j in ms[subject].props.get("inner", ()) if j in new_index]
        new_subject = min(inner, key=lambda j: kept[j].start) if inner else first_artifact(kept)
    else:
        new_subject = new_index.get(subject) if subject is not None else None
    st.subject = new_subject
    st.coref = [(s, e, new_subject if j == subject else new_index[j])
                for s, e, j in st.coref
                if j in new_index or (j == subject and new_subject is not None)]
    hits = st.relations
    kept_hits = []
    for h in hits:
        if h.head in new_index and h.tail in new_index:
            h.head, h.tail = new_index[h.head], new_index[h.tail]
            kept_hits.append(h)
    st.relations = kept_hits
    ms[:] = kept


def cue_reader(nlp: Language):
    """The names stage's cue reading, or None in a pipeline without it."""
    return nlp.get_pipe("mlkg_names_v1").cue if "mlkg_names_v1" in nlp.pipe_names else None


class MentionScorer:
    def __init__(self, nlp: Language, catalog_dir: str | None, path: str | None):
        self.nlp = nlp
        self.catalog = get_catalog(catalog_dir)
        self.model = MentionWeights.load(path or str(MODEL_PATH))

    def __call__(self, doc):
        ms = mentions(doc)
        if self.model is None or not ms:
            return doc
        ctx = context_cues(doc, ms, cue_reader(self.nlp))
        feats = mention_features(doc, ms, self.catalog, ctx)
        probs = [0.0 if is_word else self.model.probability(hash_features(f))
                 for f, is_word in zip(feats, ordinary_words(ms, self.catalog))]
        for m, p in zip(ms, probs):
            m.props["keep_p"] = round(p, 3)
        always = protected(doc, ms, cue_keys(ms, ctx), self.model.precise_cues)
        drop_mentions(doc, keep_decisions(ms, probs, self.model.threshold, always))
        return doc


@Language.factory("mlkg_mention_scorer_v1", default_config={"catalog_dir": None, "model_path": None})
def make_mention_scorer(nlp: Language, name: str, catalog_dir: str | None, model_path: str | None):
    return MentionScorer(nlp, catalog_dir, model_path)
