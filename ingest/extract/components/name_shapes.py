"""Token shapes for the name finder: which tokens can be part of a name, and the
patterns that rule tokens out (sizes, versions, code, URLs) or type a name by its
own ending ("…QA" a dataset, "…Kit" a library). Pure functions of the token text."""
from __future__ import annotations

import re

from spacy.lang.lex_attrs import like_url

_SIZE = re.compile(r"^\$?\d+(?:\.\d+)?[BMKbmk]\$?$|^\d+(?:\.\d+)?(?:B|M|K)-?(?:param|parameter)s?$")
_FUNC = {"of", "for", "in", "and", "the", "with", "to", "on", "a", "an", "from", "via", "is", "are",
         "at", "by", "or", "as", "&", "without", "beyond", "through", "into", "vs", "vs."}
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# a number before one of these counts something ("Mixtral 3 times", "BERT 110M parameters"):
# it is not a version or size of the name before it
COUNT_NOUNS = frozenset({"parameters", "parameter", "params", "tokens", "images", "examples", "samples",
                         "steps", "times", "epochs", "runs", "seeds", "rounds", "iterations", "trials",
                         "gpus", "days", "hours", "minutes", "seconds", "layers"})
_VERSION = re.compile(r"^v?\d+(?:\.\d+)+\w*$", re.I)      # "v0.5.0", "2.3.0rc1": a release, not a name


# the rest of a paper title's line: emphasis, a venue and year "(ArXiv 2020)", a markdown
# hard break ("\\")
_TITLE_LINE_END = re.compile(r"[ \t*_\\]*(?:\([^()\n]{1,40}\))?[ \t*_\\:]*")
# what may stand before, between and after the names of an author line: list or quote
# markers, commas, "and", "&", equal-contribution and affiliation marks, line breaks
# (one name per line) — never a blank line or another word
_AUTHOR_LINE_START = re.compile(r"\n[ \t>*\-•]*(?:(?:authors?|by)\s*:?\s*)?", re.I)
AUTHOR_LINE_SEP = re.compile(r"[ \t*†‡§\\\d]*(?:,|;|&|\band\b|,\s*and\b)?[ \t*†‡§\\\d,]*(?:\n[ \t>*\-•]*)?", re.I)
AUTHOR_LINE_END = re.compile(r"[ \t*†‡§\\\d,.]*(?:\n|$)")


def author_line_start(text: str, title_end: int):
    """Where the line after a paper title ending at ``title_end`` would open an author
    line (the match's end: past list or quote markers and an "Authors:" label), or None
    when the title's line goes on with other words."""
    rest = _TITLE_LINE_END.match(text, title_end)
    return _AUTHOR_LINE_START.match(text, rest.end())


# never a name on their own: counts and sizes (2D, 16-bit, 22.2x, 4-year-olds, 64K,
# 30fps) — a token that starts with a digit is a name only with two capitals among
# three or more letters (3DSSD, 3DETR, 2D-TAN) —, plural acronyms (LLMs, KVs, DAGs),
# metrics with a cut-off (top-1, pass@1, ROUGE-L), accelerators (A100s, H100, V100)
_NOT_NAME = re.compile(
    r"^\d(?!(?=(?:[^A-Za-z]*[A-Za-z]){3})(?=(?:[^A-Z]*[A-Z]){2}))"
    r"|^[A-Z]{2,}s$"
    r"|^(?i:top|pass|rouge|bleu|hits|recall|precision|acc|f|mrr|ndcg|map)[-@]?(?:\d+|[lLnN])$"
    r"|^[AHVPKTL]\d{2,3}s?$|^(?:RTX|GTX)\d*"
    r"|^(?:multi|single|cross|non|pre|post|sub|semi|inter|intra|per|on|off|in|de|re)-[A-Z]+s?$")
_CODE = re.compile(r"[=\\{}\[\]()<>\"'`|;]|\.\w+\(")   # code and markup, not names
_PKG = re.compile(r"^[a-z][a-z0-9]*(?:\.(?:cpp|js|py|jl|rs|ai|io))$|^[a-z]+-[a-z]*\d")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_SHAPES: dict[str, int] = {}


def shape_text(t: str) -> int:
    """0 = not a name token, 1 = Title-case word, 2 = strongly name-shaped."""
    got = _SHAPES.get(t)
    if got is None:
        got = _shape(t)
        if len(_SHAPES) < 500_000:
            _SHAPES[t] = got
    return got


def _shape(t: str) -> int:
    if not any(c.isalpha() for c in t) or len(t) > 40 or t[0] in "$\\@#":
        return 0
    if like_url(t) or _EMAIL.match(t) or _NOT_NAME.match(t) or _CODE.search(t):
        return 0
    if sum(c.isalpha() for c in t) < 2 and not any(c.isdigit() for c in t):
        return 0    # a single letter ("B" of "ViT-B / 16")
    has_digit = any(c.isdigit() for c in t)
    inner_upper = any(c.isupper() for c in t[1:])
    if (has_digit and any(c.isalpha() for c in t)) or inner_upper:
        if _SIZE.match(t) or re.match(r"^\d+(?:st|nd|rd|th|s|x|k|%)?$", t, re.I):
            return 0
        return 2
    if t[0].isupper():
        return 1
    if _PKG.match(t):
        return 2
    return 0


def not_a_name(t: str) -> bool:
    """A token that is never a name on its own: a size or count ("13B", "16-bit"), a
    plural acronym ("LLMs"), a metric with a cut-off ("top-1"), an accelerator ("H100")."""
    return bool(_NOT_NAME.match(t) or _SIZE.match(t))


def shape(tok) -> int:
    return shape_text(tok.text)


def namelike(t: str) -> bool:
    """Name evidence beyond capitals: mixed case (SynJax, LMFlow) or letters with digits
    (Llama-2, T5). A bare acronym (IAD, PII) is not enough without a cue."""
    if shape_text(t) != 2:
        return False
    letters = [c for c in t if c.isalpha()]
    if any(c.isdigit() for c in t):
        return len(letters) >= 1
    return any(c.islower() for c in letters) and any(c.isupper() for c in letters)


# head nouns that are usually part of a name ("Focused Transformer", "Graph Attention
# Network"); other head nouns ("model", "library", "dataset") are cues and not kept
_NAME_HEADS = {"transformer", "transformers", "network", "networks", "net", "nets", "encoder",
               "decoder", "agent", "machine", "machines", "learner", "mechanism", "layer",
               "embedding", "embeddings", "tokenizer", "estimator", "detector", "classifier"}
# unknown names typed by their own ending: FreeFormQA, HumanEvalPack, Proof-Pile, LMFlow
_DATASET_END = re.compile(r"(?:QA|Bench|Benchmark|Eval|Set|Corpus|Pile|Pack|Instruct|Arena|Dataset|Data|Caps|Captions|VQA)(?:-?\d+[A-Za-z]?)?$")
_LIBRARY_END = re.compile(r"(?:Flow|Kit|Hub|Lib|[Jj]ax|JAX|Torch|\.js|\.cpp|\.py|Py|ML|Ops)$")
_BULLETS = {"*", "-", "•", "–", "1.", "+"}
_TRAIL_DIGITS = re.compile(r"[-_ ]?\d+$")
_BIB_PART = re.compile(r"^[A-Z][\w'’-]+(?: [\w'’-]+){0,2}$")


_NOT_IN_NAMES = re.compile(r"[$@\\^{}<>|=]")


def well_formed(name: str, label: str) -> bool:
    """Whether a final name can be an artifact's: letters, balanced brackets, and none of
    the characters of formulas, metrics@k, markup or pins ("Q)$", "NDCG@5", "torch>=2").
    Paper titles keep their LaTeX ("$\\infty$-former")."""
    if not any(ch.isalpha() for ch in name):
        return False
    if label == "Paper":
        return True
    if _NOT_IN_NAMES.search(name):
        return False
    return name.count("(") == name.count(")") and name.count("[") == name.count("]")
