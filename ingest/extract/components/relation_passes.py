"""Document-level relation rules of ``RelationFinder`` (relations.py): facts that
hang on a document's structure rather than on the words between two names — a
paper title "X: a … Y" (INTRODUCES, BUILT_ON), a README title "X - Pytorch",
"released with the paper T by A, B" (INTRODUCES, AUTHORED_BY), "X et al.: [T]",
"released in the repository R" (IMPLEMENTS), "we introduce X" (INTRODUCES from the
arXiv record's Paper), a line of authors' names under a paper's title (AUTHORED_BY)."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.keys import normalize_name
from ingest.extract.components.base import Mention, span_text, text_of
from ingest.extract.components.name_shapes import AUTHOR_LINE_END, AUTHOR_LINE_SEP, author_line_start
from ingest.extract.components.sentences import sent_of

_TITLE_SHORT = re.compile(r"^\s*([^\s:]{2,40}(?: [^\s:]{1,20})?)\s*:\s+(.*)$")
_INTRO = re.compile(r"\b(?:we|We|paper|work)\s+(?:\w+\s+)?(?:present|presents|introduce|introduces|propose|proposes|release|develop|build|create|call|name|contribute|curate|compile|construct)\s+(?:[a-z][\w-]*\s+){0,5}?$|\b(?:dubbed|termed(?: as)?|called|named)\s+$")
_ARTICLE_REST = re.compile(r"^(?:an?|the)\s+(.*)$", re.I)
_AUTHOR_COMMA = re.compile(r"^\s*[*†‡]?\s*,\s*$")
_REPOSITORY = re.compile(r"(?:released|available|implemented) (?:in|with) the repository\s*$")
_STOP = re.compile(r"[.;]")
_norm = lru_cache(maxsize=1 << 16)(normalize_name)     # pure; names repeat across pairs and docs


class DocumentRelations:
    """Mixin of ``RelationFinder``: uses its document cues (``self.dc``)."""

    def _titles(self, doc, ms, add):
        by_name = {}
        for i, m in enumerate(ms):
            if m.label != "Paper":
                by_name.setdefault(_norm(m.name), i)
        for i, m in enumerate(ms):
            if m.label != "Paper":
                continue
            match = _TITLE_SHORT.match(m.name)
            if not match:
                continue
            short, rest = match.group(1), match.group(2)
            x = by_name.get(_norm(short))
            if x is None:
                # what a paper's short name names: a method, in lists as elsewhere (35 of
                # 36 such titles in the training split's lists)
                x = self._virtual(ms, short, "Architecture", m)
                by_name[_norm(short)] = x
            add("INTRODUCES", i, x, m.name, 0.8, "title-short")
            r = _ARTICLE_REST.match(rest)
            if r:
                for j in m.props.get("inner", []):
                    inner = ms[j]
                    if _norm(inner.name) in _norm(r.group(1))[:60]:
                        add("BUILT_ON", x, j, m.name, 0.7, "title-a-Y")
                        break

    @staticmethod
    def _title_library(doc, ms, info, add):
        """"Frame Averaging - Pytorch" as a README title: PyTorch IMPLEMENTS Frame Averaging."""
        lib, short = info.get("title_library"), info.get("title_short")
        if not lib or not short:
            return
        at = {(m.start, m.end): i for i, m in enumerate(ms) if m.label != "Paper"}
        h, t = at.get(tuple(lib)), at.get(tuple(short))
        if t is None:
            # the title's name is also the text's ("Imagen - Pytorch" / "Implementation of
            # Imagen, …"): typing kept the text's mention as the subject, not the title's
            key = _norm(span_text(doc, *short))
            t = next((i for i, m in enumerate(ms) if m.label not in {None, "Paper"}
                      and not m.props.get("inner_of") and _norm(m.name) == key), None)
        if h is not None and t is not None and ms[h].label == "Library":
            add("IMPLEMENTS", h, t, info.get("title", ""), 0.8, "implements:title-dash-library")

    def _implementation_in(self, doc, sent, slots, ms, add):
        """"Implementation of Transframer, Deepmind's U-net + Transformer architecture …,
        in Pytorch.": the library the sentence ends on implements the name it opens with,
        whatever the apposition between them names."""
        live = [s for s in slots if not ms[s[2]].props.get("inner_of")]
        if len(live) < 2:
            return
        first, last = live[0], live[-1]
        if ms[first[2]].label not in {"Architecture", "Paper"} or ms[last[2]].label != "Library":
            return
        text = text_of(doc)
        start = doc[first[0]].idx
        end = doc[last[1] - 1].idx + len(doc[last[1] - 1].text)
        lib_start = doc[last[0]].idx
        if self.dc["implementation_open"].match(text[sent.start_char:start]) \
                and self.dc["implementation_in"].search(text[max(start, lib_start - 12):lib_start]) \
                and self.dc["implementation_end"].match(text[end:sent.end_char]):
            add("IMPLEMENTS", last[2], first[2], sent.text, 0.8, "implements:implementation-of-in")

    def _virtual(self, ms, name, label, paper):
        ms.append(Mention(paper.start, paper.start, label, "title", name=name, confidence=0.6))
        return len(ms) - 1

    def _author_papers(self, doc, ms):
        """Papers named right after "released with the paper(s)": their "by …" list is authors."""
        text = text_of(doc)
        out = set()
        for i, m in enumerate(ms):
            if m.label == "Paper" and m.end > m.start:
                before = text[max(0, doc[m.start].idx - 45):doc[m.start].idx]
                if self.dc["paper_release"].search(before) or self._after_author_list(doc, ms, i):
                    out.add(i)
        return out

    def _after_author_list(self, doc, ms, i):
        """A Paper that directly follows another paper's author list ("T1 by A, B, T2 by C")."""
        start = ms[i].start
        j, best = -1, -1
        for k, p in enumerate(ms):
            if p.start < p.end <= start and p.end > best and not p.props.get("inner_of"):
                j, best = k, p.end
        if j < 0:
            return False
        gap = _gap(doc, ms, j, i)
        return ms[j].label == "Person" and _AUTHOR_COMMA.match(gap) is not None

    def _chain(self, doc, ms, order, k, label, step):
        """Indices in ``order`` coordinated with order[k] ("A, B and C"), walking by ``step``."""
        out = []
        while 0 <= k + step < len(order):
            a, b = (order[k], order[k + step]) if step > 0 else (order[k + step], order[k])
            gap = _gap(doc, ms, a, b)
            if ms[order[k + step]].label != label or not self.dc["author_gap"].match(gap):
                break
            k += step
            out.append(order[k])
        return out

    def _docs_lines(self, doc, ms, subject, add):
        text = text_of(doc)
        tok_idx, tok_texts = self._token_arrays(doc)
        order = [i for i, m in enumerate(ms) if m.end > m.start and not m.props.get("inner_of")]
        order.sort(key=lambda i: ms[i].start)
        pos = {i: k for k, i in enumerate(order)}
        for i, m in enumerate(ms):
            if m.start == m.end or m.label not in ("Paper", "Library"):
                continue        # only papers and libraries have rules below
            at = tok_idx[m.start]
            before = text[max(0, at - 45):at]
            sent = sent_of(doc, m.start).text
            released = m.label == "Paper" and self.dc["paper_release"].search(before)
            if released or (m.label == "Paper" and i in pos and self._after_author_list(doc, ms, i)):
                if released:
                    heads = self._released_heads(doc, ms, order, pos, i)
                    for h in heads or ([subject] if subject is not None else []):
                        add("INTRODUCES", i, h, sent, 0.85, "released-with-paper")
                k = pos.get(i)
                if k is not None and k + 1 < len(order):
                    first = order[k + 1]
                    gap = text[tok_idx[m.end - 1] + len(tok_texts[m.end - 1]):tok_idx[ms[first].start]]
                    if ms[first].label == "Person" and self.dc["authors_by"].match(gap):
                        for j in [first] + self._chain(doc, ms, order, k + 1, "Person", 1):
                            add("AUTHORED_BY", i, j, sent, 0.85, "by-authors")
            if m.label == "Paper" and i in pos:
                for j in self._et_al_authors(doc, ms, order, pos[i]):
                    add("AUTHORED_BY", i, j, sent, 0.85, "et-al")
            if m.label == "Library" and _REPOSITORY.search(before.lower()):
                if subject is not None:
                    add("IMPLEMENTS", i, subject, sent, 0.8, "repository")

    def _author_lines(self, doc, ms, add):
        """A paper title's line followed by a line of its authors' names and nothing else
        ("**FlashAttention: Fast and …**" / "Tri Dao, Daniel Y. Fu, …" / "Paper: …", in
        READMEs and paper lists): AUTHORED_BY for each name."""
        text = text_of(doc)
        order = sorted((i for i, m in enumerate(ms) if m.end > m.start and not m.props.get("inner_of")),
                       key=lambda i: ms[i].start)
        for k, i in enumerate(order):
            if ms[i].label != "Paper" or k + 1 >= len(order):
                continue
            start = author_line_start(text, _end_char(doc, ms[i]))
            if start is None or start.end() != _start_char(doc, ms[order[k + 1]]):
                continue
            authors = []
            for j in order[k + 1:]:
                if ms[j].label != "Person":
                    break
                if authors:
                    gap = AUTHOR_LINE_SEP.match(text, _end_char(doc, ms[authors[-1]]))
                    if gap.end() != _start_char(doc, ms[j]):
                        break
                authors.append(j)
            if authors and AUTHOR_LINE_END.match(text, _end_char(doc, ms[authors[-1]])):
                line = text[start.start():_end_char(doc, ms[authors[-1]])].strip()
                for j in authors:
                    add("AUTHORED_BY", i, j, line, 0.85, "author-line")

    def _et_al_authors(self, doc, ms, order, k):
        """The first author named next to a paper: "from Bordes *et al.*: [Title]" or
        "Title (Vaswani et al., 2017)" — a person the names stage found by "et al."."""
        out = []
        if k > 0:
            prev = order[k - 1]
            if ms[prev].props.get("cue") == "et-al" and self.dc["et_al_then_paper"].match(_gap(doc, ms, prev, order[k])):
                out.append(prev)
        if k + 1 < len(order):
            nxt = order[k + 1]
            if ms[nxt].props.get("cue") == "et-al" and self.dc["paper_then_et_al"].match(_gap(doc, ms, order[k], nxt)):
                out.append(nxt)
        return out

    def _released_heads(self, doc, ms, order, pos, i):
        """"ESM-2 and ESMFold were released with the paper P": the artifacts named just before."""
        k = pos.get(i)
        if k is None or k == 0:
            return []
        prev = order[k - 1]
        if ms[prev].label not in {"Architecture", "Library", "Dataset"}:
            return []
        s0 = sent_of(doc, ms[i].start).start
        if ms[prev].start < s0:
            return []
        gap = _gap(doc, ms, prev, i)
        if len(gap) > 60 or _STOP.search(gap):
            return []
        return [prev] + self._chain(doc, ms, order, k - 1, ms[prev].label, -1)

    def _introduces(self, doc, ms, kind, subject, add):
        papers = [i for i, m in enumerate(ms) if m.label == "Paper" and m.source == "title"]
        if not papers:
            return
        p = papers[0]
        for i, m in enumerate(ms):
            if m.start == m.end or m.label not in {"Architecture", "Dataset", "Library"} or m.start < ms[p].end:
                continue
            before = text_of(doc)[max(0, doc[m.start].idx - 80):doc[m.start].idx]
            if _INTRO.search(before):
                add("INTRODUCES", p, i, sent_of(doc, m.start).text, 0.75, "we-introduce")


def _start_char(doc, m: Mention) -> int:
    return doc[m.start].idx


def _end_char(doc, m: Mention) -> int:
    last = doc[m.end - 1]
    return last.idx + len(last.text)


def _gap(doc, ms, a: int, b: int) -> str:
    """The text between the end of mention ``a`` and the start of mention ``b``."""
    return text_of(doc)[_end_char(doc, ms[a]):_start_char(doc, ms[b])]
