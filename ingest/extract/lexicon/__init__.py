"""Ordinary English words, for telling a name from a word ("zeros", "miss",
"short-range" are words; "functorch", "LLaMA" are names).

The list is SCOWL's (see SOURCES.md), lowercase entries only: "falcon" is a word,
"Falcon" capitalised mid-sentence is probably a name, and the case is the caller's
part of the evidence.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

WORDS_PATH = Path(__file__).with_name("english_words.txt")
ENGLISH_WORD_FLAG = "FLAG19"    # the lexeme flag the recogniser's embedding reads (ner.cfg)
_PARTS = re.compile(r"[A-Za-z]+")
_PLAIN = re.compile(r"[A-Za-z]+(?:[\s\-/][A-Za-z]+)*")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    with open(WORDS_PATH, encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def is_ordinary_english(name: str) -> bool:
    """Whether a name is only letters, spaces, hyphens and slashes, and every run of
    letters is an English word: "zeros", "short-range", "Afterward", "Layer
    Normalization" — not "functorch", "ResNet-50", "LLaMA 2"."""
    parts = _PARTS.findall(name)
    words = english_words()
    return bool(parts) and _PLAIN.fullmatch(name.strip()) is not None and all(p.lower() in words for p in parts)


def install_word_flag(nlp):
    """Set ``ENGLISH_WORD_FLAG`` on every lexeme of ``nlp``'s vocabulary, now and for
    lexemes made later: the recogniser embeds it beside the word's shape and affixes,
    so an unseen lower-case name ("sistvaixpy") reads differently from a word. Registered
    as the ``mlkg.english_word_flag.v1`` creation callback (ner.cfg) and installed on the
    extraction pipeline, whose vocabulary the recogniser runs on. Returns ``nlp``."""
    from spacy import attrs
    flag = getattr(attrs, ENGLISH_WORD_FLAG)
    words = english_words()

    def is_word(text: str) -> bool:
        return text.lower() in words

    nlp.vocab.lex_attr_getters[flag] = is_word
    for lexeme in nlp.vocab:         # made before the getter: special cases, stop words
        lexeme.set_flag(flag, is_word(lexeme.orth_))
    return nlp
