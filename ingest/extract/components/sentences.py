"""Rule-based sentence boundaries: newlines, list bullets and ./!/? before a
capital. Cheaper than a parser and good enough for cue patterns."""
from __future__ import annotations

from spacy.language import Language

_ABBREV = {"e.g.", "i.e.", "etc.", "al.", "vs.", "fig.", "eq.", "no.", "dr.", "mr.", "ms.", "inc."}


@Language.component("mlkg_sentences_v1")
def mlkg_sentences(doc):
    prev = None
    starts = []
    for i, token in enumerate(doc):
        if i == 0:
            token.is_sent_start = True
        elif prev is not None and ("\n" in prev.text or "\n" in prev.whitespace_ or prev.is_space):
            token.is_sent_start = True
        elif prev is not None and prev.text in {".", "!", "?", "•"} and (
                token.text[:1].isupper() or token.text[:1] in "\"“(" or token.is_digit):
            before = doc[i - 2].text.lower() + "." if i >= 2 else ""
            token.is_sent_start = before not in _ABBREV
        else:
            token.is_sent_start = False
        if token.is_sent_start:
            starts.append(i)
        prev = token
    bounds = [(s, e) for s, e in zip(starts, starts[1:] + [len(doc)])]
    doc.user_data["mlkg_sents"] = bounds
    index = [0] * len(doc)
    for n, (s, e) in enumerate(bounds):
        for k in range(s, e):
            index[k] = n
    doc.user_data["mlkg_sent_index"] = index
    return doc


def sents(doc):
    """Sentence spans computed once by mlkg_sentences (doc.sents rescans the doc)."""
    return [doc[s:e] for s, e in doc.user_data.get("mlkg_sents", [(0, len(doc))])]


def sent_of(doc, i: int):
    index = doc.user_data.get("mlkg_sent_index")
    bounds = doc.user_data.get("mlkg_sents")
    if not index or not bounds:
        return doc[:]
    s, e = bounds[index[i]]
    return doc[s:e]
