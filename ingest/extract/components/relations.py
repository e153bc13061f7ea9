"""Relation cues: patterns over the text between two mentions of one sentence.

Patterns live in ``patterns/relation_cues.json``. Each relation is checked
against ``kg.schema.allows`` with the endpoint labels, so a cue can only yield
schema-valid relations. Coordinated mentions ("in TensorFlow and PyTorch",
"for TensorFlow, Keras, and PyTorch") share the relation. Document-level
rules: titles "X: a … Y" (BUILT_ON), "released with the paper T by A, B"
(INTRODUCES, AUTHORED_BY), "released in the repository R" (IMPLEMENTS),
"we introduce X" (INTRODUCES from the arXiv record's Paper), "ORG published …"
about the item subject (DEVELOPED_BY).
"""
from __future__ import annotations

import re

from spacy.language import Language

from kg.keys import normalize_name
from kg.schema import RelType, Label, allows
from ingest.extract.components.base import text_of, RelationHit, load_json, meta
from ingest.extract.components.sentences import sent_of, sents

_COORD = re.compile(r"^\s*(?:,|and|or|,\s*and|,\s*or|&|/|as well as)\s*(?:both\s+|also\s+|the\s+)?$", re.I)
_TITLE_SHORT = re.compile(r"^\s*([^\s:]{2,40}(?: [^\s:]{1,20})?)\s*:\s+(.*)$")
_INTRO = re.compile(r"\b(?:we|We|paper|work)\s+(?:\w+\s+)?(?:present|presents|introduce|introduces|propose|proposes|release|develop|build|create|call|name|contribute|curate|compile|construct)\s+(?:[a-z][\w-]*\s+){0,5}?$|\b(?:dubbed|termed(?: as)?|called|named)\s+$")
_REL_MAX_GAP = 8


def _ok(rtype: str, head_label: str, tail_label: str) -> bool:
    try:
        return allows(RelType(rtype), Label(head_label), Label(tail_label))
    except ValueError:
        return False


class RelationFinder:
    def __init__(self, nlp, name):
        cfg = load_json("relation_cues.json")
        self.between = []
        for p in cfg["between"]:
            if p.get("disabled"):
                continue
            self.between.append((p["type"], p["dir"], re.compile(p["re"], re.I), p.get("conf", 0.6),
                                 p.get("head"), re.compile(p["pre"], re.I) if p.get("pre") else None,
                                 re.compile(p["needs_verb"], re.I) if p.get("needs_verb") else None))
        self.subject_verbs = {k: re.compile(v, re.I) for k, v in cfg["subject_verbs"].items()}

    def __call__(self, doc):
        ms = doc.user_data.get("mlkg_mentions", [])
        info = meta(doc)
        kind = info.get("kind", "newsletter")
        subject = doc.user_data.get("mlkg_subject")
        hits: list[RelationHit] = []
        seen = set()

        def add(rtype, h, t, sent, conf, cue):
            if h is None or t is None or h == t:
                return
            hl, tl = ms[h].label, ms[t].label
            if not _ok(rtype, hl, tl):
                return
            if normalize_name(ms[h].name) == normalize_name(ms[t].name):
                return
            if rtype == "DEVELOPED_BY" and hl == "Paper" and tl == "Person":
                return  # authors are AUTHORED_BY
            key = (rtype, h, t)
            if key in seen:
                return
            seen.add(key)
            hits.append(RelationHit(rtype, h, t, sent.strip()[:500], conf, cue))

        # sentence-level slots: (start token, end token, mention index)
        slots_by_sent = []
        coref = doc.user_data.get("mlkg_coref", [])
        for sent in sents(doc):
            slots = [(m.start, m.end, i) for i, m in enumerate(ms)
                     if sent.start <= m.start < sent.end and m.end > m.start and not m.props.get("inner_of")]
            slots += [(s, e, target) for s, e, target in coref if sent.start <= s < sent.end]
            slots.sort()
            slots_by_sent.append((sent, slots))

        for sent, slots in slots_by_sent:
            text = sent.text
            sent_subject = subject
            if slots and slots[0][0] - sent.start <= 2:
                sent_subject = slots[0][2]
            for a in range(len(slots)):
                for b in range(a + 1, min(len(slots), a + _REL_MAX_GAP)):
                    sa, sb = slots[a], slots[b]
                    gap = text_of(doc)[doc[sa[1] - 1].idx + len(doc[sa[1] - 1].text):doc[sb[0]].idx]
                    if len(gap) > 260:
                        break
                    pre = text_of(doc)[max(sent.start_char, doc[sa[0]].idx - 50):doc[sa[0]].idx]
                    for rtype, direction, rx, conf, head_rule, pre_rx, verb_rx in self.between:
                        if not rx.search(gap):
                            continue
                        if pre_rx is not None and not pre_rx.search(pre):
                            continue
                        if verb_rx is not None and not verb_rx.search(pre):
                            continue
                        left, right = sa[2], sb[2]
                        if head_rule == "subject":
                            h, t = (sent_subject if sent_subject != right else subject), right
                        elif direction == "lr":
                            h, t = left, right
                        else:
                            h, t = right, left
                        before = len(hits)
                        add(rtype, h, t, text, conf, rx.pattern[:40])
                        if len(hits) > before:
                            self._coordinate(doc, slots, b, rtype, h, t, direction, head_rule, text, conf, add)
            self._subject_verbs(doc, sent, slots, ms, subject, add)
            for s0, e0, idx in slots:   # "PyTorch based library", "LLaMA-based model"
                after = text_of(doc)[doc[e0 - 1].idx + len(doc[e0 - 1].text):doc[e0 - 1].idx + len(doc[e0 - 1].text) + 12]
                if re.match(r"^\s?-?\s?based\b", after):
                    h = sent_subject if sent_subject != idx else subject
                    add("BUILT_ON", h, idx, text, 0.7, "x-based")
            self._loose_implements(doc, sent, slots, ms, subject, add)
        self._titles(doc, ms, kind, add)
        self._docs_lines(doc, ms, subject, add)
        self._introduces(doc, ms, kind, subject, add)
        self._propagate(hits, ms)
        doc.user_data["mlkg_relations"] = hits
        return doc

    def _coordinate(self, doc, slots, b, rtype, h, t, direction, head_rule, text, conf, add):
        k = b
        while k + 1 < len(slots):
            gap = text_of(doc)[doc[slots[k][1] - 1].idx + len(doc[slots[k][1] - 1].text):doc[slots[k + 1][0]].idx]
            if not _COORD.match(gap):
                break
            k += 1
            other = slots[k][2]
            if head_rule == "subject" or direction == "lr":
                add(rtype, h, other, text, conf * 0.95, "coord")
            else:
                add(rtype, other, t, text, conf * 0.95, "coord")

    def _subject_verbs(self, doc, sent, slots, ms, subject, add):
        if not slots or subject is None or slots[0][0] - sent.start > 1:
            return
        first = slots[0][2]
        after = text_of(doc)[doc[slots[0][1] - 1].idx + len(doc[slots[0][1] - 1].text):sent.end_char].strip()
        if ms[first].label in {"Organization", "Person"}:
            if self.subject_verbs["DEVELOPED_BY"].search(after):
                nxt = [s for s in slots[1:] if ms[s[2]].label in {"Library", "Architecture", "Paper", "Dataset"}]
                if not nxt:
                    add("DEVELOPED_BY", subject, first, sent.text, 0.6, "subject-verb")

    def _loose_implements(self, doc, sent, slots, ms, subject, add):
        low = sent.text.lower()
        if not re.search(r"\b(?:implement\w*|support\w*|inference|train|serve|architectures?|models? such as|contains)\b", low):
            return
        libs = [s[2] for s in slots if ms[s[2]].label == "Library"]
        archs = [s[2] for s in slots if ms[s[2]].label == "Architecture"]
        if subject is not None and ms[subject].label == "Library" and subject in libs:
            for a in archs:
                add("IMPLEMENTS", subject, a, sent.text, 0.5, "loose")

    def _titles(self, doc, ms, kind, add):
        by_name = {}
        for i, m in enumerate(ms):
            if m.label != "Paper":
                by_name.setdefault(normalize_name(m.name), i)
        for i, m in enumerate(ms):
            if m.label != "Paper":
                continue
            match = _TITLE_SHORT.match(m.name)
            if not match:
                continue
            short, rest = match.group(1), match.group(2)
            x = by_name.get(normalize_name(short))
            if x is None:
                x = self._virtual(ms, short, "Architecture" if kind != "list" else "Library", m)
                by_name[normalize_name(short)] = x
            add("INTRODUCES", i, x, m.name, 0.8, "title-short")
            r = re.match(r"^(?:an?|the)\s+(.*)$", rest, re.I)
            if r:
                for j in m.props.get("inner", []):
                    inner = ms[j]
                    if normalize_name(inner.name) in normalize_name(r.group(1))[:60]:
                        add("BUILT_ON", x, j, m.name, 0.7, "title-a-Y")
                        break

    def _virtual(self, ms, name, label, paper):
        from ingest.extract.components.base import Mention
        ms.append(Mention(paper.start, paper.start, label, "title", name=name, confidence=0.6))
        return len(ms) - 1

    def _docs_lines(self, doc, ms, subject, add):
        text = text_of(doc)
        for i, m in enumerate(ms):
            if m.start == m.end:
                continue
            before = text[max(0, doc[m.start].idx - 40):doc[m.start].idx].lower()
            if m.label == "Paper" and re.search(r"(?:released with|released in|introduced in|proposed in|from) the paper\s*$", before):
                if subject is not None:
                    add("INTRODUCES", i, subject, sent_of(doc, m.start).text, 0.85, "released-with-paper")
                for j, p in enumerate(ms):
                    if p.label == "Person" and p.start >= m.end and p.start - m.end < 80:
                        add("AUTHORED_BY", i, j, sent_of(doc, m.start).text, 0.85, "by-authors")
            if m.label == "Library" and re.search(r"(?:released|available|implemented) (?:in|with) the repository\s*$", before):
                if subject is not None:
                    add("IMPLEMENTS", i, subject, sent_of(doc, m.start).text, 0.8, "repository")

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

    def _propagate(self, hits, ms):
        built = [(h.head, h.tail) for h in hits if h.type == "BUILT_ON" and h.cue.startswith("^\\s*(?:on|from)")]
        for x, y in built:
            for h in list(hits):
                if h.type == "TRAINED_ON" and h.head == y:
                    h.head = x


@Language.factory("mlkg_relations_v1", default_config={})
def make_relation_finder(nlp: Language, name: str):
    return RelationFinder(nlp, name)
