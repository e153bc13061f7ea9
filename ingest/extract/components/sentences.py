"""Rule-based sentence boundaries: newlines, list bullets and ./!/? before a
capital. Cheaper than a parser and good enough for cue patterns.

The boundaries are written in one ``Doc.from_array`` call (the per-token
``is_sent_start`` setter re-checks the doc's annotation on every call) and kept
in ``user_data`` (``mlkg_sents``, ``mlkg_sent_index``, ``mlkg_starts``) together
with the token texts (``mlkg_texts``) that later stages reuse.
"""
from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language

_ABBREV = {"e.g.", "i.e.", "etc.", "al.", "vs.", "fig.", "eq.", "no.", "dr.", "mr.", "ms.", "inc."}
_END = {".", "!", "?", "•"}


@Language.component("mlkg_sentences_v1")
def mlkg_sentences(doc):
    n = len(doc)
    texts = [t.text for t in doc]
    ws = [t.whitespace_ for t in doc]
    starts = []
    flags = [False] * n
    for i in range(n):
        if i == 0:
            start = True
        else:
            p = texts[i - 1]
            if "\n" in p or "\n" in ws[i - 1] or (p.isspace() and p != ""):
                start = True
            elif p in _END:
                t = texts[i]
                c = t[:1]
                if c.isupper() or (c and c in "\"“(") or t.isdigit():
                    before = texts[i - 2].lower() + "." if i >= 2 else ""
                    start = before not in _ABBREV
                else:
                    start = False
            else:
                start = False
        if start:
            starts.append(i)
            flags[i] = True
    if n:
        arr = numpy.fromiter((1 if f else -1 for f in flags), dtype="int64", count=n)
        doc.from_array([SENT_START], arr.astype("uint64").reshape(-1, 1))
    bounds = [(s, e) for s, e in zip(starts, starts[1:] + [n])]
    doc.user_data["mlkg_sents"] = bounds
    index = [0] * n
    for k, (s, e) in enumerate(bounds):
        index[s:e] = [k] * (e - s)
    doc.user_data["mlkg_sent_index"] = index
    doc.user_data["mlkg_starts"] = flags
    doc.user_data["mlkg_texts"] = texts
    return doc


def sents(doc):
    """Sentence spans computed once by mlkg_sentences (doc.sents rescans the doc)."""
    cached = doc.user_data.get("mlkg_sent_spans")
    if cached is None:
        cached = [doc[s:e] for s, e in doc.user_data.get("mlkg_sents", [(0, len(doc))])]
        doc.user_data["mlkg_sent_spans"] = cached
    return cached


def sent_of(doc, i: int):
    index = doc.user_data.get("mlkg_sent_index")
    bounds = doc.user_data.get("mlkg_sents")
    if not index or not bounds:
        return doc[:]
    s, e = bounds[index[i]]
    return doc[s:e]
