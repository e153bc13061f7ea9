"""The name finder's structural passes: names that the document's layout, not a
cue word, vouches for — the title (a paper, a page's model, "X - Pytorch"),
"(from A, B)" organisation lists, author lists after "by" or on the line under a
paper's title (which that line makes a Paper), "X et al.", "x is a
library" in lower case, BibTeX entries and tag lists. ``NameFinder`` (names.py)
runs them before its scan for name-shaped runs; they mark the tokens they take."""
from __future__ import annotations

import re

from ingest.extract.components.base import Mention, named_title, span_text, state, text_of, titleish
from ingest.extract.components.links import paper_link
from ingest.extract.components.name_shapes import _BIB_PART, _CODE, _FUNC, _YEAR, author_line_start, shape, shape_text
from ingest.extract.lexicon import is_ordinary_english

# a software release: "2.3.0", "v0.25", "v1" — three numbers, or a "v" (model names
# carry one or two numbers: "Llama 3.1", "GPT 3.5")
_COMPARATORS = frozenset({">=", "==", "<=", "~=", ">"})
# the opening of a list item or heading: bullet, number, heading marks, a date
_ITEM_OPENING = re.compile(r"^[\s>*+•#-]*(?:\d{1,3}[.)]\s+)?(?:[(\[]\d{4}(?:[-/.]\d{1,2}){0,2}[)\]]\s*)?")
# "(ICLR 2020)", "(CVPR'2014)", "(NeurIPS 2023, oral)" after a title
_VENUE_TAIL = re.compile(r"\s*\((?:[A-Z][\w&-]*\s*'?\d{2,4}|[A-Z][\w&-]*)(?:[,\s][^()]*)?\)\s*$")
_VENUE_YEAR = re.compile(r"\([A-Z][\w&-]*\s*'?\d{2,4}\b")
_PAPER_FIELD = re.compile(r"(?m)^\W*Paper\s*:", re.I)
# a "Paper:" field's value up to a link or a parenthesis ("* Paper: `Xception: Deep Learning
# with …` - https://arxiv.org/abs/1610.02357")
_PAPER_FIELD_VALUE = re.compile(r"(?m)^\W*(?:original\s+)?paper\s*:[ \t]*[`\"“]?([^`\"“”\n(]+?)[`\"”]?"
                                r"[ \t]*(?:[-–—:][ \t]*)?(?:https?://\S*)?[ \t]*$", re.I)
_RELEASE = re.compile(r"^(?:v\d+(?:\.\d+)*|\d+\.\d+\.\d+)(?:[a-z]+\d*)?$")


class StructuralNames:
    """Mixin of ``NameFinder``: uses its catalog, cue typing and word lists."""

    def _title(self, doc, info, found, taken, kind):
        span_chars = info.get("title_span")
        if not span_chars:
            return
        span = doc.char_span(span_chars[0], span_chars[1], alignment_mode="expand")
        if span is None:
            return
        found.append(Mention(span.start, span.end, "Paper", "title", name=info.get("title", span.text),
                             props=dict(info.get("title_props", {})), confidence=0.9))
        for k in range(span.start, span.end):
            taken[k] = True
        if kind != "arxiv" and self._title_in_library(doc, span, info):
            return
        words = [t for t in span if not t.is_punct]
        if kind == "docs" and self._page_name(doc, span, words, info):
            return
        # an arXiv title that is only a system name ("LongLLaMA", "RoboCat"): the record
        # is about the system, named as the annotation convention does (docs/ANNOTATION.md),
        # typed by what the text says it is; the record stays a Paper (optional in the
        # annotations) that introduces it, which is what a lineage question asks for
        if kind == "arxiv" and not any(t.text == ":" for t in span) \
                and all(t.text[:1].isupper() or t.text[:1].isdigit() for t in words) \
                and (len(words) == 1 or (len(words) <= 3 and any(shape(t) == 2 for t in words))) \
                and any(shape(t) > 0 for t in words) and not self.generic(span.text) \
                and words[-1].text.lower() not in self.document_words:     # "GPT-4 Technical Report"
            info["title_short"] = (span.start, span.end)
            info["title_is_name"] = True
            info["title_short_label"] = self.cue(doc, span.start, span.end, kind)[0]   # "X is a benchmark …"
            return
        # "X: …" — X is the paper's short name (what it introduces)
        for tok in span:
            if tok.text == ":" and tok.i > span.start and tok.i - span.start <= 4:
                head = doc[span.start:tok.i]
                if any(shape(t) > 0 for t in head) and not self.generic(head.text):
                    info["title_short"] = (head.start, head.end)
                break

    def _page_name(self, doc, span, words, info) -> bool:
        """A library docs page titled by a short name ("OmniGenTransformer2DModel",
        "Kandinsky 3", "SK-ResNeXt") is about that model: a candidate (cue docs-title)
        that the mention scorer weighs, since "Pipelines" and "Image-to-image" are
        page titles too."""
        if not 1 <= len(words) <= 4 or any(t.text == ":" for t in span) \
                or not all(t.text[:1].isupper() or t.text[:1].isdigit() for t in words) \
                or not any(shape(t) > 0 for t in words) or self.generic(span.text) \
                or words[-1].text.lower() in self.document_words \
                or all(self._common(t.text) for t in words):
            return False
        info["title_short"] = (span.start, span.end)
        info["title_short_label"] = self.cue(doc, span.start, span.end, "docs")[0]
        info["title_page_name"] = True
        return True

    def _title_in_library(self, doc, span, info) -> bool:
        """A README title "Frame Averaging - Pytorch": the name before the dash is what
        the repository implements in the library after it (relations.py adds IMPLEMENTS)."""
        dashes = [t.i for t in span if t.text in {"-", "–", "—"}]
        if len(dashes) != 1 or dashes[0] == span.start or dashes[0] + 1 >= span.end:
            return False
        d = dashes[0]
        # "Transframer - Pytorch (wip)": a parenthesis after the library is a note on the repository
        r_end = next((k for k in range(d + 2, span.end) if doc[k].text == "("), span.end)
        right = doc[d + 1:r_end].text
        if "Library" not in {e.label for e in self.catalog.lookup(right)}:
            return False
        s, e = span.start, d
        while s < e and not any(ch.isalnum() for ch in doc[s].text):
            s += 1          # "🦩 Flamingo - Pytorch"
        if e - s > 2 and doc[e - 1].text == ")" and "(" in [t.text for t in doc[s:e - 1]]:
            e = max(k for k in range(s, e) if doc[k].text == "(")   # "… Network (ESBN)": the long form
        left = doc[s:e].text
        if not 0 < e - s <= 8 or not any(ch.isalnum() for ch in left) or self.generic(left):
            return False
        info["title_short"] = (s, e)
        info["title_short_label"] = self.cue(doc, s, e, "newsletter")[0]
        info["title_library"] = (d + 1, r_end)
        return True

    def _from_lists(self, doc, found, taken):
        """'(from A, B and the C team)' → organisations."""
        texts = state(doc).texts
        n = len(texts)
        for i in [k for k in range(1, n) if texts[k] == "from" and texts[k - 1] == "("]:
            k = i + 1
            end = k
            while end < n and texts[end] != ")" and end - k < 30:
                end += 1
            if end >= n or texts[end] != ")":
                continue
            for part in _split_list(doc, k, end, keep_of_and=True):
                s, e = part
                while s < e and texts[s].lower() in {"the", "etc", "etc."}:
                    s += 1
                while e > s and texts[e - 1].lower() in {"etc", "etc.", "."}:
                    e -= 1
                if s < e and any(shape_text(texts[x]) for x in range(s, e)) and not any(taken[x] for x in range(s, e)):
                    found.append(Mention(s, e, "Organization", "people", name=span_text(doc, s, e),
                                         confidence=0.85))
                    for x in range(s, e):
                        taken[x] = True

    def _people(self, doc, found, taken, kind="newsletter"):
        """Author lists: 'by A B, C D and E F.' (and 'by the X team'), BibTeX-style
        'by Last, First and Last, First', and a name list right after a linked paper."""
        texts = state(doc).texts
        n = len(texts)
        triggers = [i + 1 for i in _positions(texts, ("by", "By", "BY"), 0, n - 2)]
        if kind in {"docs", "list"}:
            for m in found:
                if m.source == "link" and m.label == "Paper" and m.end < n and texts[m.end] not in {"by", "(", ","}:
                    triggers.append(m.end)
        # the line under a paper title, when it holds nothing but names ("**FlashAttention: …**"
        # / "Tri Dao, Daniel Y. Fu, …"): every item must be a person's name
        whole_line = self._author_lines(doc, found)
        triggers.extend(whole_line)
        for k in sorted(set(triggers)):
            end = k
            starts = state(doc).starts
            while end < n and not (texts[end] in {".", ";", "\n"} and (end + 1 >= n or starts[end + 1])) \
                    and end - k < 120 and texts[end] not in {"(", ")"}:
                end += 1
            if k in whole_line:
                end = whole_line[k][0]
            people = self._bibtex(doc, k, end)
            if people is None:
                people = []
                for s, e in _split_list(doc, k, end):
                    while s < e and (texts[s].lower() in {"the"} or texts[s].isspace()):
                        s += 1
                    while e > s and texts[e - 1] in {"*", "†", "‡"}:
                        e -= 1
                    if s >= e:
                        continue
                    words = texts[s:e]
                    if words[-1].lower() == "team" and len(words) >= 2:
                        people.append((s, e, "Organization", None))
                        continue
                    shaped = 2 <= len(words) <= 5 and all(_person_token(t) for t in words) and words[0][0].isupper()
                    # a surname that is also a catalog name ("Sebastien Adam") counts on an
                    # author line, where every other item is a person's name too; an
                    # affiliation ("Google Research") never does
                    if k in whole_line:
                        # …nor a title's second line ("Through Structured State Space Duality")
                        known = any(self.catalog.lookup(t) for t in words[:-1] if shape_text(t) == 2) \
                            or any(t in self.org_suffixes or t.lower() in _FUNC for t in words) \
                            or is_ordinary_english(" ".join(words))
                    else:
                        known = any(self.catalog.lookup(t) for t in words if shape_text(t) == 2)
                    if shaped and not known:
                        people.append((s, e, "Person", None))
                    else:
                        if k in whole_line:
                            people = []
                        break
            for s, e, lab, name in people:
                if any(taken[x] for x in range(s, e)):
                    continue
                name = name or span_text(doc, s, e).replace("*", "").strip()
                found.append(Mention(s, e, lab, "people", name=name, confidence=0.8))
                for x in range(s, e):
                    taken[x] = True
            title = whole_line.get(k, (0, None))[1]
            if title is not None and len(people) >= 2:
                # a title-like line over a line of two or more names is a paper's title
                _take_paper(doc, found, taken, *title, text_of(doc)[title[0]:title[1]], 0.8)

    @staticmethod
    def _author_lines(doc, found) -> dict[int, tuple[int, tuple[int, int] | None]]:
        """The lines right under a paper title — one found so far, or a line that reads
        like a title (four or more words, capitalised, no sentence end): first token →
        (end token, the title-like line's character span, None under a found paper)."""
        text = text_of(doc)
        ends = []
        for m in found:
            if m.label == "Paper" and m.end > m.start:
                last = doc[m.end - 1]
                ends.append((last.idx + len(last.text), None))
        pos = 0
        lines = text.split("\n")
        for n, line in enumerate(lines):
            start, pos = pos, pos + len(line) + 1
            if n + 1 == len(lines) or not lines[n + 1].strip():
                continue        # no line under it (the cheap test first: this runs on every line)
            opening = _ITEM_OPENING.match(line).end()
            body = _VENUE_TAIL.sub("", line[opening:].rstrip(" *_\\")).rstrip()
            if len(body.split()) >= 4 and titleish(body) and not body.endswith((".", "!", "?", ":", ",")) \
                    and body.split()[-1].lower() not in _FUNC:
                ends.append((start + len(line), (start + opening, start + opening + len(body))))
        out = {}
        for end, title in ends:
            start = author_line_start(text, end)
            if start is not None and start.end() < len(text):
                stop = text.find("\n", start.end())
                stop = len(text) if stop < 0 else stop
                span = doc.char_span(start.end(), stop, alignment_mode="contract")
                if span is not None and len(span) and out.get(span.start, (0, None))[1] is None:
                    out[span.start] = (span.end, title)
        return out

    def _et_al(self, doc, found, taken):
        """'Vaswani et al.', 'from Bordes *et al.*:': the name before "et al." is a person
        (the first author), one to three name words; a catalog name that is not a person
        ("CMU et al.") is left to the catalog."""
        texts = state(doc).texts
        for i in _positions(texts, ("et",), 1, len(texts) - 1):
            if texts[i + 1] not in {"al", "al."}:
                continue
            e = i
            while e > 0 and texts[e - 1] in _MARKUP:
                e -= 1
            s = e
            while s > 0 and e - s < 3 and _person_token(texts[s - 1]) and not taken[s - 1]:
                s -= 1
            while s < e and not texts[s][:1].isupper():      # "van der Berg": from the capital
                s += 1
            if s == e or texts[s].lower() in self.stop:
                continue
            name = span_text(doc, s, e).replace("*", "").strip()
            if any(entry.label != "Person" for entry in self.catalog.lookup(name)):
                continue
            found.append(Mention(s, e, "Person", "people", name=name, props={"cue": "et-al"}, confidence=0.8))
            for x in range(s, e):
                taken[x] = True

    def _lowercase_is_a(self, doc, found, taken, kind):
        """A lower-case name that opens a sentence or line and that the text then types
        ("xformers is a library for …", "marble is a toolkit …"): lower-case words are
        not names by shape, and the recogniser, which reads the English-word flag,
        passes over ordinary words; the explicit "is a <head noun>" cue decides."""
        texts = state(doc).texts
        starts = state(doc).starts
        for i in (k - 1 for k in _positions(texts, ("is", "are"), 1, len(texts) - 1)):
            t = texts[i]
            if not (starts[i] and t[:1].islower() and not taken[i] and _LOWER_NAME.fullmatch(t)
                    and t not in self.stop):
                continue
            label, cue_id = self.cue(doc, i, i + 1, kind)
            if label in {"Library", "Dataset", "Architecture"} and cue_id == "is-a":
                found.append(Mention(i, i + 1, label, "cue", name=t, props={"cue": cue_id}, confidence=0.75))
                taken[i] = True

    def _versioned(self, doc, found, taken):
        """A lower-case name with a release version ("lightning 2.3.0", "diffusers v0.25",
        "torchvision >= 0.15"): software is versioned so, models are not (cue
        name-version); lower-case words are not names by shape, so this pass proposes them.
        A release heading's tokens are taken by the title; the name in it still counts."""
        texts = state(doc).texts
        n = len(texts)
        title = state(doc).meta.get("title_span") or (0, 0)
        # the version is rare and cheap to test: look at a name only in front of one
        for k in range(1, n):
            nxt = texts[k]
            if not (_RELEASE.match(nxt) or (nxt in _COMPARATORS and k + 1 < n and texts[k + 1][:1].isdigit())):
                continue
            i, t = k - 1, texts[k - 1]
            if not (t[:1].islower() and _LOWER_NAME.fullmatch(t) and t not in self.stop) or self.generic(t):
                continue
            if taken[i] and not title[0] <= doc[i].idx < title[1]:
                continue
            found.append(Mention(i, i + 1, "Library", "cue", name=t, props={"cue": "name-version"},
                                 confidence=0.75))
            taken[i] = True

    def _bibtex(self, doc, k, end):
        """'Last, First and Last, First and …' → [(s, e, 'Person', 'First Last')], else None."""
        texts = state(doc).texts
        parts, s = [], k
        for x in range(k, end + 1):
            if x == end or texts[x].lower() == "and":
                if s < x:
                    parts.append((s, x))
                s = x + 1
        if len(parts) < 2:
            return None
        out = []
        for s, e in parts:
            commas = [x for x in range(s, e) if texts[x] == ","]
            if len(commas) != 1:
                return None
            c = commas[0]
            last, first = span_text(doc, s, c), span_text(doc, c + 1, e)
            if not (_BIB_PART.match(last) and _BIB_PART.match(first)) or c + 1 >= e:
                return None
            if not all(_person_token(texts[x]) for x in range(s, e) if x != c):
                return None
            out.append((s, e, "Person", f"{first} {last}"))
        return out

    def _titled_lines(self, doc, info, found, taken):
        """A list item or heading that is a titled paper ("- **IsoNN: Isomorphic Neural
        Network for … (ICLR 2020)**", "### ORPO: Monolithic Preference Optimization …")
        with a paper link or a "Paper:" line in its item, or a venue and year after it: a
        Paper. The title's short name is then what it introduces (relation_passes). A
        heading over a "Paper:" line ("### Discovering Preference Optimization Algorithms
        …" / "📜 Paper: …") is a paper's title without the colon too."""
        text = text_of(doc)
        fields = [m.start() for m in _PAPER_FIELD.finditer(text)]
        if ": " not in text and not fields:
            return
        cues = [l.start for l in info.get("links", ()) if paper_link(l.text, l.url)] + fields
        pos = 0
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            heading = line.lstrip().startswith("#") and bool(fields)
            if ": " not in line and not heading:
                continue
            m = _ITEM_OPENING.match(line)
            a = start + m.end()
            body = line[m.end():]
            cut = [l.start - start for l in info.get("links", ()) if start < l.start < pos and
                   l.start - start > m.end()]
            if cut:
                body = line[m.end():min(cut)]
            body, venues = _VENUE_TAIL.subn("", body.rstrip(" |-–—,"))
            body = body.rstrip()
            titled = named_title(body)
            if titled and venues and _VENUE_YEAR.search(line):
                _take_paper(doc, found, taken, a, a + len(body), body, 0.85)   # "(AAAI 2020)"
                continue
            if not titled and not (heading and len(body.split()) >= 4 and titleish(body)
                                   and not body.endswith((".", "!", "?"))):
                continue
            # the cue is on this line or within the next three (for an untitled heading:
            # a "Paper:" line)
            limit = text.find("\n", pos)
            for _ in range(2):
                if limit >= 0:
                    limit = text.find("\n", limit + 1)
            limit = len(text) if limit < 0 else limit
            if not any(a <= c <= limit for c in (cues if titled else fields)):
                continue
            _take_paper(doc, found, taken, a, a + len(body), body, 0.85)

    def _paper_fields(self, doc, found, taken):
        """The title a "Paper:" field gives ("* Paper: `Searching for MobileNetV3` - <arXiv
        link>", timm's model pages) — not a bare link, and not a single word."""
        text = text_of(doc)
        if "aper" not in text:
            return
        for m in _PAPER_FIELD_VALUE.finditer(text):
            title = m.group(1).strip().rstrip(".,;:")
            if len(title.split()) < 2 or title.lower().startswith(("http", "www.")) \
                    or not (named_title(title) or titleish(title)):
                continue
            start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
            _take_paper(doc, found, taken, start, start + len(title), title, 0.85)

    def _tags(self, doc, info, found, taken):
        """applied-ml style: `Org` `Year` tags at the end of a list line."""
        tags = [doc.char_span(a, b, alignment_mode="expand") for a, b in info.get("tags", ())]
        tags = [t for t in tags if t is not None and len(t)]
        # applied-ml lines carry an `Org` `Year` pair; elsewhere backticks hold code
        year_line = any(_YEAR.match(t.text) for t in tags)
        for span in tags:
            if _YEAR.match(span.text) or not any(shape(t) for t in span):
                continue
            known = any(e.label == "Organization" for e in self.catalog.lookup(span.text))
            if not known and (not year_line or "_" in span.text or _CODE.search(span.text)
                              or not span.text[:1].isupper()):
                continue
            found.append(Mention(span.start, span.end, "Organization", "people", name=span.text,
                                 props={"tag": True}, confidence=0.8))
            for x in range(span.start, span.end):
                taken[x] = True


def _take_paper(doc, found, taken, start: int, end: int, name: str, confidence: float) -> None:
    """A Paper over characters [start, end), unless a mention found before holds a token of it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span) or any(taken[k] for k in range(span.start, span.end)):
        return
    found.append(Mention(span.start, span.end, "Paper", "title", name=name, confidence=confidence))
    for k in range(span.start, span.end):
        taken[k] = True


def _positions(texts: list[str], words, start: int, stop: int) -> list[int]:
    """Sorted indices in ``texts[start:stop]`` of any of ``words`` (list.index scans
    in C: these passes look for a few rare tokens in every document)."""
    found = []
    for word in words:
        i = start - 1
        try:
            while True:
                i = texts.index(word, i + 1, stop)
                found.append(i)
        except ValueError:
            pass
    return sorted(found)


_MARKUP = {"*", "**", "_", "__"}
_LOWER_NAME = re.compile(r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*")


def _person_token(tok) -> bool:
    t = (tok if isinstance(tok, str) else tok.text).replace("*", "")
    if not t:
        return False
    if re.match(r"^[A-Z]\.$", t):
        return True
    if t.lower() in {"van", "de", "der", "von", "da", "di", "la", "le", "bin", "del"}:
        return True
    return t[0].isupper() and any(c.islower() for c in t) and sum(c.isupper() for c in t) <= 3 \
        and not any(c.isdigit() for c in t)


def _split_list(doc, start, end, keep_of_and=False):
    """Split tokens [start, end) on commas, 'and', '/', '&'; with ``keep_of_and`` an 'and'
    inside 'X of Y and Z' stays ("University of Science and Technology")."""
    parts = []
    s = start
    texts = state(doc).texts
    if texts is None or len(texts) != len(doc):
        texts = [t.text for t in doc]
    for k in range(start, end):
        t = texts[k]
        low = t.lower()
        if keep_of_and and low == "and" and any(texts[x].lower() == "of" for x in range(s, k)) \
                and k + 1 < end and texts[k + 1][:1].isupper():
            continue
        if t in {",", "/", "&", ";"} or low in {"and", "&"}:
            if s < k:
                parts.append((s, k))
            s = k + 1
    if s < end:
        parts.append((s, end))
    return parts
