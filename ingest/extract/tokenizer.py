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

from spacy.lang.en import English
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

CUE_SUFFIXES = ("based", "like", "style", "powered", "inspired", "compatible", "specific",
                "driven", "native", "centric", "free", "enabled")

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
            pattern = r"(?<![A-Za-z][0-9])" + pattern  # 3-4 splits, T5-11B does not
        keep.append(pattern)
    keep.append(r"(?<=[A-Za-z0-9])-(?=(?:%s)\b)" % "|".join(CUE_SUFFIXES))
    keep.append(r"(?<=[A-Za-z0-9]{2})\((?=[A-Za-z])")   # decisions(depth, MLP(Multi
    keep.append(r"(?<=[A-Za-z]{2})/(?=[A-Z][a-z])")  # CMU/Google, learning/Structure
    keep.append(r"(?<=[a-z]{3})/(?=[a-z]{3})")     # learning/structure
    keep.append(r"(?<=\w)[–—](?=\w)")              # dashes
    keep.append(r"(?<=[a-z])\.(?=[A-Z][a-z])")      # sentence glued: end.Next
    return keep


def make_tokenizer(nlp: English) -> Tokenizer:
    prefixes = list(nlp.Defaults.prefixes) + [r"\*\*", r"\*", r"`"]
    suffixes = list(nlp.Defaults.suffixes) + [r"\*\*", r"\*", r"`", r"'s", r"’s"]
    return Tokenizer(
        nlp.vocab,
        rules=nlp.Defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(_infixes(nlp)).finditer,
        token_match=None,
        url_match=_URL.match,
    )
