"""Cue-pattern entity finder: names the catalog does not know, typed by context.

Candidates are runs of name-shaped tokens (CamelCase, ALLCAPS, digit-bearing,
Title-case). A candidate is typed by, in order: an organisation suffix
("… University", "… Lab"), an adjacent head noun ("X library", "X dataset"), a
copula/apposition ("X is a … toolkit", "X, a … model"), a verb frame
("trained on X", "fine-tune X", "X from ORG", "ORG's …"), coordination with a
typed sibling ("Llama-2, MPT, Falcon, and Pythia"), and finally a default per
document kind for strongly name-shaped tokens. Also: paper titles (arXiv
``title``, item headings, "X: … is a paper"), author lists after "by", and
"(from A, B)" organisation lists.
"""
from __future__ import annotations

import re

from spacy.language import Language

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import text_of, Mention, load_json, meta, mentions

_SIZE = re.compile(r"^\$?\d+(?:\.\d+)?[BMKbmk]\$?$|^\d+(?:\.\d+)?(?:B|M|K)-?(?:param|parameter)s?$")
_FUNC = {"of", "for", "in", "and", "the", "with", "to", "on", "a", "an", "from", "via", "is", "are",
         "at", "by", "or", "as", "&", "without", "beyond", "through", "into", "vs", "vs."}
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def shape(tok) -> int:
    """0 = not a name token, 1 = Title-case word, 2 = strongly name-shaped."""
    t = tok.text
    if not any(c.isalpha() for c in t) or tok.like_url or tok.like_email or len(t) > 40:
        return 0
    if t[0] in "$\\@#":
        return 0
    has_digit = any(c.isdigit() for c in t)
    inner_upper = any(c.isupper() for c in t[1:])
    if (has_digit and any(c.isalpha() for c in t)) or inner_upper:
        if _SIZE.match(t) or re.match(r"^\d+(?:st|nd|rd|th|s|x|k|%)?$", t, re.I):
            return 0
        return 2
    if t[0].isupper():
        return 1
    if re.match(r"^[a-z][a-z0-9]*(?:\.(?:cpp|js|py|jl|rs|ai|io))$", t) or re.match(r"^[a-z]+-[a-z]*\d", t):
        return 2
    return 0


class NameFinder:
    def __init__(self, nlp: Language, name: str, catalog_dir: str | None):
        self.catalog = get_catalog(catalog_dir)
        cues = load_json("entity_cues.json")
        self.head_nouns = {}
        for label in ("Library", "Architecture", "Dataset", "Organization"):
            for word in cues[label]:
                self.head_nouns.setdefault(word, label)
        self.paper_overrides = cues["paper_kind_overrides"]
        self.org_suffixes = set(cues["org_suffixes"])
        self.stop = nlp.Defaults.stop_words

    # ---- helpers -------------------------------------------------------------------
    def head_label(self, word: str, kind: str) -> str | None:
        w = word.lower()
        if kind == "arxiv" and w in self.paper_overrides:
            return self.paper_overrides[w]
        return self.head_nouns.get(w)

    def generic(self, text: str) -> bool:
        return self.catalog.is_generic(text)

    def scan_head(self, doc, i: int, kind: str, limit: int = 9) -> str | None:
        """Type from 'is/are a … NOUN' or ', a … NOUN' starting at token i."""
        last = None
        for tok in doc[i:i + limit]:
            low = tok.lower_
            if tok.is_sent_start and tok.i != i:
                break
            if low in {"that", "which", "who", "to", "for", "from", "with", "where", "by", "in", "on",
                       ",", ".", ";", ":", "(", ")", "and", "built", "based", "written", "designed"}:
                if last:
                    break
                if low in {"that", "which", "who", ".", ";", ":", "where", "by", "to"}:
                    break
                continue
            lab = self.head_label(low, kind)
            if lab:
                last = lab
            if low in {"paper", "article", "survey", "report", "study", "preprint"}:
                return "Paper"
        return last

    # ---- main ------------------------------------------------------------------------
    def __call__(self, doc):
        info = meta(doc)
        kind = info.get("kind", "newsletter")
        found = mentions(doc)
        taken = [False] * len(doc)
        for m in found:
            if m.source == "link":
                for k in range(m.start, m.end):
                    taken[k] = True
        self._title(doc, info, found, taken, kind)
        self._from_lists(doc, found, taken)
        self._people(doc, found, taken)
        self._tags(doc, info, found, taken)
        catalog_cover = [False] * len(doc)
        for m in found:
            if m.source == "catalog":
                for k in range(m.start, m.end):
                    catalog_cover[k] = True
        i = 0
        n = len(doc)
        while i < n:
            if taken[i] or shape(doc[i]) == 0 or doc[i].lower_ in self.stop and shape(doc[i]) < 2:
                i += 1
                continue
            j = i + 1
            while j < n and not taken[j] and not doc[j].is_sent_start and doc[j - 1].whitespace_ \
                    .count("\n") == 0 and (shape(doc[j]) > 0 and not _SIZE.match(doc[j].text)) \
                    and not (doc[j - 1].text.endswith(("'s", "’s"))):
                j += 1
            self._candidate(doc, i, j, kind, found, catalog_cover)
            i = j
        return doc

    def _candidate(self, doc, i, j, kind, found, catalog_cover):
        # trim leading sentence-initial common words ("Deploying Large …", "The …")
        while i < j and (doc[i].lower_ in self.stop or doc[i].lower_ in _FUNC or
                         (doc[i].is_sent_start and shape(doc[i]) == 1 and j - i > 1)):
            i += 1
        # trailing generic head nouns become cues ("Conformer CTC Model")
        while j - i > 1 and doc[j - 1].lower_ in self.head_nouns and shape(doc[j - 1]) == 1:
            j -= 1
        if i >= j:
            return
        if all(catalog_cover[k] for k in range(i, j)):
            return
        span = doc[i:j]
        text = span.text
        if self.generic(text) or text.lower() in self.stop or _YEAR.match(text):
            return
        strong = any(shape(t) == 2 for t in span)
        sent_initial = doc[i].is_sent_start or (i > 0 and doc[i - 1].text in {"•", "*", "-", "1."})
        label = self._type(doc, i, j, kind)
        if label is None:
            if strong:
                label = None  # typed later by coordination/default
            elif sent_initial:
                return
        if label is None and not strong and j - i == 1 and kind == "arxiv":
            pass
        conf = 0.75 if label else 0.5
        found.append(Mention(i, j, label, "cue" if label else "shape", name=text,
                             props={"strong": strong}, confidence=conf))

    def _type(self, doc, i, j, kind) -> str | None:
        span = doc[i:j]
        last = doc[j - 1].text
        if last in self.org_suffixes and (j - i > 1 or last in {"Research"}):
            if not (kind == "arxiv" and last in {"AI"}):
                return "Organization"
        if i > 0 and doc[i - 1].lower_ == "the" and last.lower() == "team":
            return "Organization"
        k = j
        while k < len(doc) and _SIZE.match(doc[k].text):
            k += 1
        if k < len(doc):
            nxt = doc[k].lower_
            lab = self.head_label(nxt, kind)
            if lab in {"Library", "Architecture", "Dataset"} and not doc[k].is_sent_start:
                return lab
            if nxt in {"is", "are", "was"} or (nxt == "," and k + 1 < len(doc) and doc[k + 1].lower_ in {"a", "an", "the"}) \
                    or (nxt == "(" ):
                lab = self.scan_head(doc, k + 1, kind)
                if lab == "Paper":
                    return None
                if lab:
                    return lab
            if nxt in {"'s", "’s"}:
                lab = self.scan_head(doc, k + 1, kind, 6)
                if lab == "Library" and kind != "arxiv":
                    return "Organization"
        if i > 0:
            prev = doc[max(0, i - 4):i].text.lower()
            if re.search(r"(?:trained|pre-?trained|fine-?tuned|finetuned|evaluated|tested|benchmarked|"
                         r"results|accuracy|performance|achieves|reaches|sota|state-of-the-art)\s+"
                         r"(?:\S+\s+){0,2}?(?:on|in)\s+(?:the\s+)?$", prev + " "):
                return "Dataset"
            if re.search(r"(?:fine-?tune|finetune|pre-?train|pretraining|continue pretraining|fine-?tuning)\s+(?:the\s+|a\s+)?$", prev + " "):
                return "Architecture"
            if re.search(r"\(\s*from\s+(?:the\s+)?$", prev + " ") or (
                    kind != "arxiv" and re.search(r"\b(?:from|by)\s+(?:the\s+)?$", prev + " ")
                    and j < len(doc) and not doc[j].text[:1].isdigit()):
                if not any(shape(t) == 2 and not t.text.isupper() for t in span):
                    return "Organization"
        return None

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
        # "X: …" — X is the paper's short name (what it introduces)
        for tok in span:
            if tok.text == ":" and tok.i > span.start and tok.i - span.start <= 4:
                head = doc[span.start:tok.i]
                if any(shape(t) > 0 for t in head) and not self.generic(head.text):
                    lab = None
                    info["title_short"] = (head.start, head.end)
                break

    def _from_lists(self, doc, found, taken):
        """'(from A, B and the C team)' → organisations."""
        for tok in doc:
            if tok.lower_ == "from" and tok.i > 0 and doc[tok.i - 1].text == "(":
                k = tok.i + 1
                end = k
                while end < len(doc) and doc[end].text != ")" and end - k < 30:
                    end += 1
                if end >= len(doc) or doc[end].text != ")":
                    continue
                for part in _split_list(doc, k, end):
                    s, e = part
                    while s < e and doc[s].lower_ in {"the", "etc", "etc."}:
                        s += 1
                    while e > s and doc[e - 1].lower_ in {"etc", "etc.", "."}:
                        e -= 1
                    if s < e and any(shape(t) for t in doc[s:e]) and not any(taken[x] for x in range(s, e)):
                        found.append(Mention(s, e, "Organization", "people", name=doc[s:e].text,
                                             confidence=0.85))
                        for x in range(s, e):
                            taken[x] = True

    def _people(self, doc, found, taken):
        """Author lists: 'by A B, C D and E F.' (and 'by the X team')."""
        for tok in doc:
            if tok.lower_ != "by" or tok.i + 2 >= len(doc):
                continue
            k = tok.i + 1
            end = k
            while end < len(doc) and not (doc[end].text in {".", ";", "\n"} and (end + 1 >= len(doc) or doc[end + 1].is_sent_start)) \
                    and end - k < 80 and doc[end].text not in {"(", ")"}:
                end += 1
            parts = _split_list(doc, k, end)
            people = []
            for s, e in parts:
                while s < e and doc[s].lower_ in {"the"}:
                    s += 1
                words = [t for t in doc[s:e]]
                if not words:
                    continue
                if words[-1].lower_ == "team" and len(words) >= 2:
                    people.append((s, e, "Organization"))
                    continue
                if 2 <= len(words) <= 5 and all(_person_token(t) for t in words) and words[0].text[0].isupper() \
                        and not any(self.catalog.lookup(t.text) for t in words if shape(t) == 2):
                    people.append((s, e, "Person"))
                else:
                    break
            if len([p for p in people if p[2] == "Person"]) >= 1 and (len(parts) >= 2 or doc[k].lower_ != "the"):
                pass
            for s, e, lab in people:
                if any(taken[x] for x in range(s, e)):
                    continue
                name = doc[s:e].text.replace("*", "").strip()
                found.append(Mention(s, e, lab, "people", name=name, confidence=0.8))
                for x in range(s, e):
                    taken[x] = True

    def _tags(self, doc, info, found, taken):
        """applied-ml style: `Org` `Year` tags at the end of a list line."""
        for a, b in info.get("tags", ()):
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is None or _YEAR.match(span.text) or not any(shape(t) for t in span):
                continue
            found.append(Mention(span.start, span.end, "Organization", "people", name=span.text,
                                 props={"tag": True}, confidence=0.8))
            for x in range(span.start, span.end):
                taken[x] = True


def _person_token(tok) -> bool:
    t = tok.text.replace("*", "")
    if not t:
        return False
    if re.match(r"^[A-Z]\.$", t):
        return True
    if t.lower() in {"van", "de", "der", "von", "da", "di", "la", "le", "bin", "del"}:
        return True
    return t[0].isupper() and any(c.islower() for c in t) and sum(c.isupper() for c in t) <= 3 \
        and not any(c.isdigit() for c in t)


def _split_list(doc, start, end):
    """Split tokens [start, end) on commas, 'and', '/', '&'."""
    parts = []
    s = start
    for k in range(start, end):
        if doc[k].text in {",", "/", "&", ";"} or doc[k].lower_ in {"and", "&"}:
            if s < k:
                parts.append((s, k))
            s = k + 1
    if s < end:
        parts.append((s, end))
    return parts


@Language.factory("mlkg_names_v1", default_config={"catalog_dir": None})
def make_name_finder(nlp: Language, name: str, catalog_dir: str | None):
    return NameFinder(nlp, name, catalog_dir)
