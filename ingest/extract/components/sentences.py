"""Rule-based sentence boundaries: newlines, list bullets and ./!/? before a
capital. Cheaper than a parser and good enough for cue patterns.

The boundaries are written in one ``Doc.from_array`` call (the per-token
``is_sent_start`` setter re-checks the doc's annotation on every call) and kept
in the document's state (``sents``, ``sent_index``, ``starts``; base.DocState) together
with the token texts and offsets (``texts``, ``idx``) that later stages reuse.
"""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language

from ingest.extract.components.base import text_of, state

_ABBREV = {"e.g.", "i.e.", "etc.", "al.", "vs.", "fig.", "eq.", "no.", "dr.", "mr.", "ms.", "inc."}
_END = {".", "!", "?", "•"}


@Language.component("mlkg_sentences_v1")
def mlkg_sentences(doc):
    n = len(doc)
    text = text_of(doc)
    if n:
        arr = doc.to_array([IDX, LENGTH]).astype("int64")
        idx = arr[:, 0].tolist()        # column-wise tolist is many times faster than 2-D
        ends = (arr[:, 0] + arr[:, 1]).tolist()
        texts = [text[a:b] for a, b in zip(idx, ends)]
        nl = ["\n" in text[ends[k]:idx[k + 1]] for k in range(n - 1)] + ["\n" in text[ends[-1]:]]
    else:
        idx, texts, nl = [], [], []
    # candidates: the token after a newline, a whitespace token or a sentence-final mark
    cands = [k + 1 for k in range(n - 1) if nl[k] or texts[k] in _END or texts[k].isspace()]
    starts = [0] if n else []
    for i in cands:
        p = texts[i - 1]
        if nl[i - 1] or p.isspace():
            starts.append(i)
            continue
        t = texts[i]
        c = t[:1]
        if c.isupper() or (c and c in "\"“(") or t.isdigit():
            before = texts[i - 2].lower() + "." if i >= 2 else ""
            if before not in _ABBREV:
                starts.append(i)
    flags = [False] * n
    for i in starts:
        flags[i] = True
    if n:
        arr = numpy.full(n, -1, dtype="int64")
        arr[starts] = 1
        doc.from_array([SENT_START], arr.astype("uint64").reshape(-1, 1))
    bounds = [(s, e) for s, e in zip(starts, starts[1:] + [n])]
    state(doc).sents = bounds
    index = [0] * n
    for k, (s, e) in enumerate(bounds):
        index[s:e] = [k] * (e - s)
    state(doc).sent_index = index
    state(doc).starts = flags
    state(doc).texts = texts
    state(doc).idx = idx
    state(doc).nl = nl
    return doc


class Sent:
    """A sentence as token bounds with its text and character offsets computed once.

    Behaves like the ``Span`` it stands for (``start``, ``end``, ``start_char``,
    ``end_char``, ``text``, ``len()``, iteration, indexing); any other attribute is
    taken from the real ``Span``, made on first use. ``Span.text`` rebuilds the string
    from its tokens on every access, which the relation rules do per mention pair.
    """

    __slots__ = ("doc", "start", "end", "start_char", "end_char", "_text", "_span")

    def __init__(self, doc, start: int, end: int, start_char: int, end_char: int):
        self.doc = doc
        self.start = start
        self.end = end
        self.start_char = start_char
        self.end_char = end_char
        self._text = None
        self._span = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = text_of(self.doc)[self.start_char:self.end_char]
        return self._text

    @property
    def span(self):
        if self._span is None:
            self._span = self.doc[self.start:self.end]
        return self._span

    def __len__(self) -> int:
        return self.end - self.start

    def __iter__(self):
        return iter(self.span)

    def __getitem__(self, key):
        return self.span[key]

    def __getattr__(self, name):
        return getattr(self.span, name)

    def __repr__(self) -> str:
        return self.text


def sents(doc):
    """Sentences computed once by mlkg_sentences (doc.sents rescans the doc), as
    :class:`Sent` objects that cache their text."""
    cached = state(doc).sent_spans
    if cached is None:
        bounds = state(doc).sents or [(0, len(doc))]
        idx = state(doc).idx
        texts = state(doc).texts
        if not len(doc):
            cached = [doc[0:0]]
        elif idx is None or texts is None or len(idx) != len(doc):
            cached = [doc[s:e] for s, e in bounds]
        else:
            cached = [Sent(doc, s, e, idx[s], idx[e - 1] + len(texts[e - 1])) for s, e in bounds]
        state(doc).sent_spans = cached
    return cached


def sent_of(doc, i: int):
    index = state(doc).sent_index
    bounds = state(doc).sents
    if not index or not bounds:
        return doc[:]
    return sents(doc)[index[i]]
