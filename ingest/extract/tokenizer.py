"""A tokenizer that keeps ML names whole.

spaCy's English tokenizer splits on hyphens between letters (``MLP-Mixer`` →
``MLP - Mixer``) and on ``-`` before letters after digits (``T5-11B``). Model
and library names are full of both, so this tokenizer drops the hyphen infix,
splits ``-based``/``-like``/… suffixes off (they are relation cues), splits a
glued parenthesis (``MLP(MultiLayer``) and keeps URLs with or without a scheme
as one token (``arxiv.org/abs/2105.01601``).
"""
from __future__ import annotations

import re

from spacy.attrs import ORTH
from spacy.lang.en import English
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

CUE_SUFFIXES = ("based", "like", "style", "powered", "inspired", "compatible", "specific",
                "driven", "native", "centric", "free", "enabled",
                # adjectival compounds: "GPT-4-generated data" is data, "ChatGPT-related" a topic
                "generated", "related", "written", "aware", "guided", "conditioned", "friendly")
# "pre-ChatGPT models", "non-BERT baselines": a period or a contrast, the name is after the hyphen
# (lower case only: "Pre-LN Transformer" is a name)
NAME_PREFIXES = ("pre", "non", "post")

_URL = re.compile(
    r"^(?:https?://|www\.)\S+$"
    r"|^(?:[a-z0-9-]+\.)+(?:org|com|io|ai|net|dev|co|edu|gov|me|app|xyz)/\S*$", re.I)


def _infixes(nlp: English) -> list[str]:
    keep = []
    for pattern in nlp.Defaults.infixes:
        if "(?:-|–|—|--|---|——|~)" in pattern:
            continue  # hyphen between letters: keep MLP-Mixer whole
        if "[:<>=/]" in pattern:
            # keep ':' '<' '>' '=' between words but not '/' (CMU/Google splits later)
            pattern = pattern.replace("[:<>=/]", "[:<>=]")
        if pattern == r"(?<=[0-9])[+\-\*^](?=[0-9-])":
            # 3-4 splits; T5-11B, ResNeXt101-32x4d, Qwen2.5-7B do not (digits after letters)
            pattern = (r"(?<![A-Za-z][0-9])(?<![A-Za-z][0-9]{2})(?<![A-Za-z][0-9]{3})"
                       r"(?<![A-Za-z][0-9]\.[0-9])") + pattern
        keep.append(pattern)
    keep.append(r"(?<=[A-Za-z0-9])-(?=(?:%s)\b)" % "|".join(CUE_SUFFIXES))
    for width in {len(p) for p in NAME_PREFIXES}:
        words = "|".join(p for p in NAME_PREFIXES if len(p) == width)
        keep.append(r"(?<=\b(?:%s))-(?=[A-Z][A-Za-z0-9]{2})" % words)
    keep.append(r"(?<=[A-Za-z0-9]{2})\((?=[A-Za-z])")   # decisions(depth, MLP(Multi
    # CMU/Google, learning/Structure, GRPO/DAPO, InstructGPT/GPT-3, lodestones/Chroma: two
    # names (a repository slug's name is its own); a URL is one token before infixes apply
    keep.append(r"(?<=[A-Za-z0-9]{2})/(?=[A-Z][A-Za-z0-9])")
    keep.append(r"(?<=[a-z]{3})/(?=[a-z]{3})")     # learning/structure
    keep.append(r"(?<=\w)[–—](?=\w)")              # dashes
    keep.append(r"(?<=[a-z])\.(?=[A-Z][a-z])")      # sentence glued: end.Next
    return keep


# spaCy caches the tokenization of each whitespace-separated chunk, but stops caching for
# the rest of a document once any chunk hit a special case -- and "\n" is one, so most
# documents were tokenized with hardly any cache hits. The cache is also capped at 10,000
# chunks by default, which a corpus's vocabulary soon exceeds.
MAX_CACHE = 250_000


def _is_orth(attr) -> bool:
    return attr == ORTH or attr == "ORTH"


def _redundant_rules(rules: dict, prefix_search, suffix_search, infix_finditer) -> set[str]:
    """Special cases that change nothing: a single token with only ORTH = the key, and
    no prefix, suffix or infix inside it (so the affix splitter would leave it whole
    anyway and spaCy's post-tokenization special-case matcher never sees it).
    Dropping them keeps every tokenization identical but lets the cache work."""
    out = set()
    for key, subs in rules.items():
        if not key or " " in key or len(subs) != 1:
            continue
        (props,) = subs
        if len(props) != 1 or not all(_is_orth(a) and v == key for a, v in props.items()):
            continue
        if prefix_search(key) or suffix_search(key) or any(True for _ in infix_finditer(key)):
            continue
        out.add(key)
    return out


_NAME_DIGITS = re.compile(r"[A-Za-z][-.]?\d+$")


class _NameSuffixes:
    """spaCy splits a unit off a number ("10K" → "10 K"), and so cut "ADE20K",
    "ImageNet-1K", "LAION-400M" in two; after a name's letters (and a hyphen) the
    "unit" is part of the name. A count ("10K steps", "40GB") is split as before.
    (A class with ``pattern``: spaCy serializes ``suffix_search.__self__.pattern``.)"""

    def __init__(self, suffixes: list[str]):
        regex = compile_suffix_regex(suffixes)
        units = [p for p in suffixes if p.startswith("(?<=[0-9])(?:") and "km" in p]
        self.pattern = regex.pattern
        self._search = regex.search
        self._unit = compile_suffix_regex(units).search if units else None

    def search(self, text: str):
        m = self._search(text)
        if m is not None and self._unit is not None and _NAME_DIGITS.search(text, 0, m.start()):
            u = self._unit(text)
            if u is not None and u.start() == m.start():
                return None
        return m


def make_tokenizer(nlp: English) -> Tokenizer:
    prefixes = list(nlp.Defaults.prefixes) + [r"\*\*", r"\*", r"`"]
    # a full stop after a name ending in a capital: "on ADE20K.", "than ViT." (spaCy's own
    # rule splits it only after two capitals, keeping "U.S."-style abbreviations whole)
    suffixes = list(nlp.Defaults.suffixes) + [r"\*\*", r"\*", r"`", r"'s", r"’s", r"(?<=[a-z0-9-][A-Z])\."]
    prefix_search = compile_prefix_regex(prefixes).search
    suffix_search = _NameSuffixes(suffixes).search
    infix_finditer = compile_infix_regex(_infixes(nlp)).finditer
    rules = nlp.Defaults.tokenizer_exceptions
    drop = _redundant_rules(rules, prefix_search, suffix_search, infix_finditer)
    return Tokenizer(
        nlp.vocab,
        rules={k: v for k, v in rules.items() if k not in drop},
        prefix_search=prefix_search,
        suffix_search=suffix_search,
        infix_finditer=infix_finditer,
        token_match=None,
        url_match=_URL.match,
        max_cache_size=MAX_CACHE,
    )
