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
                                 re.compile(p["needs_verb"], re.I) if p.get("needs_verb") else None,
                                 {"post": re.compile(p["post"], re.I) if p.get("post") else None,
                                  "adjacent": bool(p.get("adjacent")), "nearest": bool(p.get("nearest")),
                                  "tail_label": p.get("tail_label")}))
        self.subject_verbs = {k: re.compile(v, re.I) for k, v in cfg["subject_verbs"].items()}
        dc = load_json("relation_doc_cues.json")
        self.dc = {k: re.compile(v, re.I) for k, v in dc.items() if not k.startswith("_")}

    def __call__(self, doc):
        ms = doc.user_data.get("mlkg_mentions", [])
        info = meta(doc)
        kind = info.get("kind", "newsletter")
        subject = doc.user_data.get("mlkg_subject")
        hits: list[RelationHit] = []
        seen = set()
        author_papers = self._author_papers(doc, ms)

        def add(rtype, h, t, sent, conf, cue):
            if h is None or t is None or h == t:
                return
            hl, tl = ms[h].label, ms[t].label
            if not _ok(rtype, hl, tl):
                return
            if normalize_name(ms[h].name) == normalize_name(ms[t].name):
                return
            if rtype == "DEVELOPED_BY" and hl == "Paper" and (tl == "Person" or h in author_papers):
                return  # authors are AUTHORED_BY
            key = (rtype, h, t)
            if key in seen:
                return
            seen.add(key)
            hits.append(RelationHit(rtype, h, t, sent.strip()[:500], conf, cue))

        # sentence-level slots: (start token, end token, mention index)
        slots_by_sent = []
        coref = doc.user_data.get("mlkg_coref", [])
        self._coref = set(coref)
        for sent in self._sents(doc):
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
                    post = None
                    for rtype, direction, rx, conf, head_rule, pre_rx, verb_rx, flags in self.between:
                        if flags["adjacent"] and b != a + 1:
                            continue
                        if not rx.search(gap):
                            continue
                        if pre_rx is not None and not pre_rx.search(pre):
                            continue
                        if verb_rx is not None and not verb_rx.search(pre):
                            continue
                        left, right = sa[2], sb[2]
                        if flags["post"] is not None:
                            if post is None:
                                end = doc[sb[1] - 1].idx + len(doc[sb[1] - 1].text)
                                post = text_of(doc)[end:min(sent.end_char, end + 40)]
                            if not flags["post"].search(post):
                                continue
                        if flags["nearest"] and any(ms[s[2]].label == ms[left].label for s in slots[a + 1:b]):
                            continue
                        if head_rule == "subject":
                            h, t = (sent_subject if sent_subject != right else subject), right
                        elif direction == "lr":
                            h, t = left, right
                        else:
                            h, t = right, left
                        if flags["tail_label"] and ms[t].label != flags["tail_label"]:
                            continue
                        if rtype in {"DEVELOPED_BY", "IMPLEMENTS"} and direction == "lr" and h == left:
                            h = self._described_head(doc, sent, slots, a, ms, sent_subject, h)
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
        main = self._main(doc, ms, kind, info, subject)
        for sent, slots in slots_by_sent:
            self._sentence_rules(doc, sent, slots, ms, main, add)
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

    @staticmethod
    def _sents(doc):
        """Sentences, with a list item's " - description" joined to the name before it."""
        out = []
        for sent in sents(doc):
            if out and re.match(r"^\s*[-–—]\s", sent.text) and len(out[-1]) <= 6:
                out[-1] = doc[out[-1].start:sent.end]
            else:
                out.append(sent)
        return out

    def _described_head(self, doc, sent, slots, a, ms, sent_subject, h):
        """"X is a library for PyTorch developed by ORG": ORG made X, not PyTorch."""
        if sent_subject is None or sent_subject == h or a == 0:
            return h
        if ms[sent_subject].label not in {"Library", "Architecture", "Dataset"}:
            return h
        if not any(s[2] == sent_subject for s in slots[:a]):
            return h
        pre = text_of(doc)[max(sent.start_char, doc[slots[a][0]].idx - 20):doc[slots[a][0]].idx]
        if re.search(r"\b(?:for|with|around|atop|over|of)\s+(?:the\s+)?$", pre, re.I):
            return sent_subject
        return h

    def _main(self, doc, ms, kind, info, subject):
        """The item's main artifact: what "we introduce" names if the title names it too,
        else the title's short name, else the item subject."""
        title = info.get("title") or ""
        cands = [i for i, m in enumerate(ms) if m.label in {"Architecture", "Library", "Dataset"}]
        if title:
            tnorm = normalize_name(title)
            short = normalize_name(re.split(r"\s*[:,]\s+", title, maxsplit=1)[0]) if (":" in title or ", " in title) \
                else (tnorm if len(title.split()) <= 3 else "")
            for i in cands:
                m = ms[i]
                if m.end == m.start or m.props.get("inner_of"):
                    continue
                before = text_of(doc)[max(0, doc[m.start].idx - 80):doc[m.start].idx]
                if _INTRO.search(before) and normalize_name(m.name) and normalize_name(m.name) in (short or tnorm):
                    return i
            if short:
                same = [i for i in cands if normalize_name(ms[i].name) == short]
                same.sort(key=lambda i: bool(ms[i].props.get("inner_of")))
                if same:
                    return same[0]
        if subject is not None and ms[subject].label in {"Architecture", "Library", "Dataset"}:
            return subject
        return None

    def _sentence_rules(self, doc, sent, slots, ms, main, add):
        """EVALUATED_ON / TRAINED_ON / BUILT_ON from a cue anywhere in the sentence, with the
        head taken from the sentence (an architecture before the cue) or, for "we/our/it …"
        sentences, from the item's main artifact."""
        if not slots:
            return
        text = text_of(doc)
        st = sent.text
        base = sent.start_char
        live = [s for s in slots if not ms[s[2]].props.get("inner_of")]
        datasets = [s for s in live if ms[s[2]].label == "Dataset"]
        archs = [s for s in live if ms[s[2]].label == "Architecture"]
        pronoun = bool(self.dc["pronoun_start"].search(st)) or (live and live[0][0] == sent.start and live[0][1] - live[0][0] <= 2
                                                               and (live[0][0], live[0][1], live[0][2]) in getattr(self, "_coref", ()))
        main_ok = main is not None and ms[main].label == "Architecture"

        def start_of(slot):
            return doc[slot[0]].idx - base

        def end_of(slot):
            return doc[slot[1] - 1].idx + len(doc[slot[1] - 1].text) - base

        def compared(slot):
            return bool(self.dc["compared_before"].search(st[max(0, start_of(slot) - 40):start_of(slot)]))

        def train_ctx(slot):
            return bool(self.dc["train_before"].search(st[max(0, start_of(slot) - 90):start_of(slot)]))

        # TRAINED_ON: "… trained on D", head = nearest architecture before it, or main for "we/our …"
        for d in datasets:
            if not train_ctx(d):
                continue
            before = [a for a in archs if a[1] <= d[0] and not compared(a)]
            if before:
                h = before[-1][2]
            elif pronoun and main_ok:
                h = main
            else:
                continue
            add("TRAINED_ON", h, d[2], st, 0.6, "trained-on-sent")
        # EVALUATED_ON
        cues = [m.start() for m in self.dc["eval_verb"].finditer(st)]
        if datasets and self.dc["eval_cue"].search(st):
            head = None
            for a in archs:
                if compared(a) or train_ctx(a) or self.dc["not_head_before"].search(st[max(0, start_of(a) - 30):start_of(a)]):
                    continue
                if any(c >= end_of(a) for c in cues):
                    head = a
                    break
            ours = self.dc["our_ref"].search(st)
            if main_ok and ((head is None and pronoun) or (ours and (head is None or ours.start() < start_of(head)))):
                head = next((a for a in archs if a[2] == main or normalize_name(ms[a[2]].name) == normalize_name(ms[main].name)),
                            (sent.start, sent.start, main))
            if head is not None:
                for d in datasets:
                    if train_ctx(d):
                        continue
                    if d[0] < head[0] and not self.dc["prep_before"].search(st[max(0, start_of(d) - 15):start_of(d)]):
                        continue
                    add("EVALUATED_ON", head[2], d[2], st, 0.55, "eval-sent")
        # BUILT_ON: "we fine-tune / continue pretraining / build on Y" → main BUILT_ON Y
        if main_ok and archs and self.dc["derive_context"].search(st):
            mkey = normalize_name(ms[main].name)
            for a in archs:
                if normalize_name(ms[a[2]].name) == mkey or mkey in normalize_name(ms[a[2]].name):
                    continue
                before = st[max(0, start_of(a) - 80):start_of(a)]
                if not self.dc["derive_before"].search(before):
                    continue
                if self.dc["derive_skip_after"].search(st[end_of(a):end_of(a) + 30]):
                    continue
                if any(o[0] > a[0] and o[2] != main and normalize_name(ms[o[2]].name) != mkey
                       and self.dc["result_before"].search(st[max(0, start_of(o) - 30):start_of(o)]) for o in archs):
                    continue  # "we fine-tune Y … and obtain Z": Z is built on Y, not main
                add("BUILT_ON", main, a[2], st, 0.55, "derive-sent")

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
        if subject is None or ms[subject].label != "Library":
            return
        key = normalize_name(ms[subject].name)
        if subject in libs or any(normalize_name(ms[i].name) == key for i in libs):
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
        prev = [j for j, p in enumerate(ms) if p.end > p.start and p.end <= ms[i].start and not p.props.get("inner_of")]
        if not prev:
            return False
        j = max(prev, key=lambda j: ms[j].end)
        gap = text_of(doc)[doc[ms[j].end - 1].idx + len(doc[ms[j].end - 1].text):doc[ms[i].start].idx]
        return ms[j].label == "Person" and re.match(r"^\s*[*†‡]?\s*,\s*$", gap) is not None

    def _chain(self, doc, ms, order, k, label, step):
        """Indices in ``order`` coordinated with order[k] ("A, B and C"), walking by ``step``."""
        out = []
        text = text_of(doc)
        while 0 <= k + step < len(order):
            a, b = (order[k], order[k + step]) if step > 0 else (order[k + step], order[k])
            gap = text[doc[ms[a].end - 1].idx + len(doc[ms[a].end - 1].text):doc[ms[b].start].idx]
            if ms[order[k + step]].label != label or not self.dc["author_gap"].match(gap):
                break
            k += step
            out.append(order[k])
        return out

    def _docs_lines(self, doc, ms, subject, add):
        text = text_of(doc)
        order = [i for i, m in enumerate(ms) if m.end > m.start and not m.props.get("inner_of")]
        order.sort(key=lambda i: ms[i].start)
        pos = {i: k for k, i in enumerate(order)}
        for i, m in enumerate(ms):
            if m.start == m.end:
                continue
            before = text[max(0, doc[m.start].idx - 45):doc[m.start].idx]
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
                    gap = text[doc[m.end - 1].idx + len(doc[m.end - 1].text):doc[ms[first].start].idx]
                    if ms[first].label == "Person" and self.dc["authors_by"].match(gap):
                        for j in [first] + self._chain(doc, ms, order, k + 1, "Person", 1):
                            add("AUTHORED_BY", i, j, sent, 0.85, "by-authors")
            if m.label == "Library" and re.search(r"(?:released|available|implemented) (?:in|with) the repository\s*$", before.lower()):
                if subject is not None:
                    add("IMPLEMENTS", i, subject, sent, 0.8, "repository")

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
        gap = text_of(doc)[doc[ms[prev].end - 1].idx + len(doc[ms[prev].end - 1].text):doc[ms[i].start].idx]
        if len(gap) > 60 or re.search(r"[.;]", gap):
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

    def _propagate(self, hits, ms):
        built = [(h.head, h.tail) for h in hits if h.type == "BUILT_ON" and h.cue.startswith("^\\s*(?:on|from)")]
        for x, y in built:
            for h in list(hits):
                if h.type == "TRAINED_ON" and h.head == y:
                    h.head = x


@Language.factory("mlkg_relations_v1", default_config={})
def make_relation_finder(nlp: Language, name: str):
    return RelationFinder(nlp, name)
