"""Relation cues: patterns over the text between two mentions of one sentence.

Patterns live in ``patterns/relation_cues.json``. Each relation is checked
against ``kg.schema.allows`` with the endpoint labels, so a cue can only yield
schema-valid relations. Coordinated mentions ("in TensorFlow and PyTorch",
"for TensorFlow, Keras, and PyTorch") share the relation. Document-level
rules: titles "X: a … Y" (BUILT_ON), "released with the paper T by A, B"
(INTRODUCES, AUTHORED_BY), "released in the repository R" (IMPLEMENTS),
"we introduce X" (INTRODUCES from the arXiv record's Paper), "ORG published …"
about the item subject (DEVELOPED_BY). The document-level rules are relation_passes.py.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from spacy.language import Language

from kg.schema import RelType, Label, allows
from ingest.extract.components.base import text_of, RelationHit, load_json, meta, state
from ingest.extract.components.relation_passes import DocumentRelations, _INTRO, _norm
from ingest.extract.components.sentences import sents

_COORD = re.compile(r"^\s*(?:,|and|or|,\s*and|,\s*or|&|/|as well as)\s*(?:both\s+|also\s+|the\s+)?$", re.I)
_REL_MAX_GAP = 8
_X_BASED = re.compile(r"^\s?-?\s?based\b")
_DASH_ITEM = re.compile(r"^\s*[-–—]\s")
_FOR_BEFORE = re.compile(r"\b(?:for|with|around|atop|over|of)\s+(?:the\s+)?$", re.I)
_TITLE_SPLIT = re.compile(r"\s*[:,]\s+")
_LOOSE_CUE = re.compile(r"\b(?:implement\w*|support\w*|inference|train|serve|architectures?|models? such as|contains)\b")


@lru_cache(maxsize=4096)     # Enum lookups by value are slow; the schema is static
def _ok(rtype: str, head_label: str, tail_label: str) -> bool:
    try:
        return allows(RelType(rtype), Label(head_label), Label(tail_label))
    except ValueError:
        return False


class RelationFinder(DocumentRelations):
    def __init__(self, nlp, name):
        cfg = load_json("relation_cues.json")
        self.between = []
        for p in cfg["between"]:
            if p.get("disabled"):
                continue
            self.between.append((p["type"], p["dir"], re.compile(p["re"], re.I), p.get("conf", 0.6),
                                 p.get("head"), re.compile(p["pre"], re.I) if p.get("pre") else None,
                                 re.compile(p["needs_verb"], re.I) if p.get("needs_verb") else None,
                                 {"id": p["id"], "post": re.compile(p["post"], re.I) if p.get("post") else None,
                                  "adjacent": bool(p.get("adjacent")), "nearest": bool(p.get("nearest")),
                                  "tail_label": p.get("tail_label")}))
        # per pattern: the tail labels any head label allows (for cues whose head is not
        # known before the match)
        labels = [label.value for label in Label]
        self._tails = []
        for rtype, _d, rx, *_rest in self.between:
            self._tails.append(frozenset(t for t in labels if any(_ok(rtype, h, t) for h in labels)))
        self._cands = {}
        self.subject_verbs = {k: re.compile(v, re.I) for k, v in cfg["subject_verbs"].items()}
        dc = load_json("relation_doc_cues.json")
        self.dc = {k: re.compile(v, re.I) for k, v in dc.items() if not k.startswith("_")}

    def _candidates(self, left_label, right_label, adjacent):
        """The cues whose relation the schema can allow between these endpoint labels, in
        order. A cue left out could only reach ``add`` with a (head, tail) pair that
        ``_ok`` rejects, so it can never add a hit."""
        key = (left_label, right_label, adjacent)
        cands = self._cands.get(key)
        if cands is not None:
            return cands
        if len(self._cands) > 100_000:
            self._cands.clear()
        cands = []
        for k, pat in enumerate(self.between):
            rtype, direction, _rx, _conf, head_rule, _pre, _verb, flags = pat
            if flags["adjacent"] and not adjacent:
                continue
            tail = left_label if (head_rule != "subject" and direction != "lr") else right_label
            if flags["tail_label"] and tail != flags["tail_label"]:
                continue
            if head_rule == "subject" or (direction == "lr" and rtype in {"DEVELOPED_BY", "IMPLEMENTS"}):
                # head from the sentence subject / _described_head: only the tail is known
                if tail not in self._tails[k]:
                    continue
            elif direction == "lr":
                if not _ok(rtype, left_label, right_label):
                    continue
            elif not _ok(rtype, right_label, left_label):
                continue
            cands.append(pat)
        cands = tuple(cands)
        self._cands[key] = cands
        return cands

    def __call__(self, doc):
        ms = state(doc).mentions
        info = meta(doc)
        kind = info.get("kind", "newsletter")
        subject = state(doc).subject
        hits: list[RelationHit] = []
        seen = set()
        author_papers = self._author_papers(doc, ms)

        def add(rtype, h, t, sent, conf, cue):
            if h is None or t is None or h == t:
                return
            hl, tl = ms[h].label, ms[t].label
            if not _ok(rtype, hl, tl):
                return
            if _norm(ms[h].name) == _norm(ms[t].name):
                return
            if rtype == "DEVELOPED_BY" and hl == "Paper" and (tl == "Person" or h in author_papers):
                return  # authors are AUTHORED_BY
            if rtype == "DEVELOPED_BY" and ms[t].props.get("cue") == "et-al":
                return  # "X from Wu et al.: [Paper]" cites the paper's authors (AUTHORED_BY)
            key = (rtype, h, t)
            if key in seen:
                return
            seen.add(key)
            hits.append(RelationHit(rtype, h, t, sent.strip()[:500], conf, cue))

        # sentence-level slots: (start token, end token, mention index)
        slots_by_sent = []
        coref = state(doc).coref
        self._coref = set(coref)
        doc_text = text_of(doc)
        tok_idx, tok_texts = self._token_arrays(doc)
        all_sents = self._sents(doc)
        starts = [sent.start for sent in all_sents]
        grouped = [[] for _ in all_sents]

        def place(slot):
            k = bisect_right(starts, slot[0]) - 1
            if k >= 0 and slot[0] < all_sents[k].end:
                grouped[k].append(slot)

        for i, m in enumerate(ms):
            if m.end > m.start and not m.props.get("inner_of"):
                place((m.start, m.end, i))
        for s, e, target in coref:
            place((s, e, target))
        for sent, slots in zip(all_sents, grouped):
            slots.sort()
            slots_by_sent.append((sent, slots))

        for sent, slots in slots_by_sent:
            if not slots:
                continue        # every per-sentence rule below needs a mention
            text = sent.text
            sent_subject = subject
            if slots and slots[0][0] - sent.start <= 2:
                sent_subject = slots[0][2]
            # character offsets of each slot: start, end
            s_chars = [tok_idx[s[0]] for s in slots]
            e_chars = [tok_idx[s[1] - 1] + len(tok_texts[s[1] - 1]) for s in slots]
            s_labels = [ms[s[2]].label for s in slots]
            for a in range(len(slots)):
                for b in range(a + 1, min(len(slots), a + _REL_MAX_GAP)):
                    sa, sb = slots[a], slots[b]
                    gap = doc_text[e_chars[a]:s_chars[b]]
                    if len(gap) > 260:
                        break
                    cands = self._candidates(s_labels[a], s_labels[b], b == a + 1)
                    if not cands:
                        continue
                    pre = None
                    post = None
                    for rtype, direction, rx, conf, head_rule, pre_rx, verb_rx, flags in cands:
                        if not rx.search(gap):
                            continue
                        if pre is None and (pre_rx is not None or verb_rx is not None):
                            pre = doc_text[max(sent.start_char, s_chars[a] - 50):s_chars[a]]
                        if pre_rx is not None and not pre_rx.search(pre):
                            continue
                        if verb_rx is not None and not verb_rx.search(pre):
                            continue
                        left, right = sa[2], sb[2]
                        if flags["post"] is not None:
                            if post is None:
                                end = e_chars[b]
                                post = doc_text[end:min(sent.end_char, end + 40)]
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
                        add(rtype, h, t, text, conf, flags["id"])
                        if len(hits) > before:
                            self._coordinate(doc, slots, b, rtype, h, t, direction, head_rule, text, conf, add)
            self._subject_verbs(doc, sent, slots, ms, subject, add)
            # "functorch is a PyTorch based library", "LTX-2 is a DiT-based model": the
            # sentence's own subject only; "GAN-based methods are …" says nothing of the
            # item (3 of 24 such facts were annotated on the training split)
            opener = slots[0][2] if slots[0][0] - sent.start <= 2 else None
            for (s0, e0, idx), end in zip(slots, e_chars):
                after = doc_text[end:end + 12]
                if _X_BASED.match(after) and opener is not None and opener != idx:
                    add("BUILT_ON", opener, idx, text, 0.7, "x-based")
            self._loose_implements(doc, sent, slots, ms, subject, add)
        main = self._main(doc, ms, kind, info, subject)
        for sent, slots in slots_by_sent:
            self._sentence_rules(doc, sent, slots, ms, main, add)
            self._implementation_in(doc, sent, slots, ms, add)
        self._titles(doc, ms, add)
        self._title_library(doc, ms, info, add)
        self._docs_lines(doc, ms, subject, add)
        self._author_lines(doc, ms, add)
        self._introduces(doc, ms, kind, subject, add)
        self._propagate(hits, ms)
        state(doc).relations = hits
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
    def _token_arrays(doc):
        """Token character offsets and texts by token index, as the sentence stage left them."""
        idx = state(doc).idx
        texts = state(doc).texts
        if idx is None or texts is None or len(idx) != len(doc) or len(texts) != len(doc):
            idx = [t.idx for t in doc]
            texts = [t.text for t in doc]
        return idx, texts

    @staticmethod
    def _sents(doc):
        """Sentences, with a list item's " - description" joined to the name before it."""
        out = []
        for sent in sents(doc):
            if out and len(out[-1]) <= 6 and _DASH_ITEM.match(sent.text):
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
        if _FOR_BEFORE.search(pre):
            return sent_subject
        return h

    def _main(self, doc, ms, kind, info, subject):
        """The item's main artifact: what "we introduce" names if the title names it too,
        else the title's short name, else the item subject."""
        title = info.get("title") or ""
        cands = [i for i, m in enumerate(ms) if m.label in {"Architecture", "Library", "Dataset"}]
        if title:
            tnorm = _norm(title)
            short = _norm(_TITLE_SPLIT.split(title, maxsplit=1)[0]) if (":" in title or ", " in title) \
                else (tnorm if len(title.split()) <= 3 else "")
            for i in cands:
                m = ms[i]
                if m.end == m.start or m.props.get("inner_of"):
                    continue
                before = text_of(doc)[max(0, doc[m.start].idx - 80):doc[m.start].idx]
                if _INTRO.search(before) and _norm(m.name) and _norm(m.name) in (short or tnorm):
                    return i
            if short:
                same = [i for i in cands if _norm(ms[i].name) == short]
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
        st = sent.text
        base = sent.start_char
        live = [s for s in slots if not ms[s[2]].props.get("inner_of")]
        datasets = [s for s in live if ms[s[2]].label == "Dataset"]
        archs = [s for s in live if ms[s[2]].label == "Architecture"]
        main_ok = main is not None and ms[main].label == "Architecture"
        if not datasets and not (main_ok and archs):
            return      # TRAINED_ON / EVALUATED_ON need a dataset, BUILT_ON main and an architecture
        pronoun = bool(self.dc["pronoun_start"].search(st)) or (live and live[0][0] == sent.start and live[0][1] - live[0][0] <= 2
                                                               and (live[0][0], live[0][1], live[0][2]) in getattr(self, "_coref", ()))

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
        if datasets and self.dc["eval_cue"].search(st):
            cues = [m.start() for m in self.dc["eval_verb"].finditer(st)]
            head = None
            for a in archs:
                if compared(a) or train_ctx(a) or self.dc["not_head_before"].search(st[max(0, start_of(a) - 30):start_of(a)]):
                    continue
                if any(c >= end_of(a) for c in cues):
                    head = a
                    break
            ours = self.dc["our_ref"].search(st)
            if main_ok and ((head is None and pronoun) or (ours and (head is None or ours.start() < start_of(head)))):
                head = next((a for a in archs if a[2] == main or _norm(ms[a[2]].name) == _norm(ms[main].name)),
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
            mkey = _norm(ms[main].name)
            for a in archs:
                if _norm(ms[a[2]].name) == mkey or mkey in _norm(ms[a[2]].name):
                    continue
                before = st[max(0, start_of(a) - 80):start_of(a)]
                if not self.dc["derive_before"].search(before):
                    continue
                if self.dc["derive_skip_after"].search(st[end_of(a):end_of(a) + 30]):
                    continue
                if any(o[0] > a[0] and o[2] != main and _norm(ms[o[2]].name) != mkey
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
        if subject is None or ms[subject].label != "Library":
            return
        low = sent.text.lower()
        if not _LOOSE_CUE.search(low):
            return
        libs = [s[2] for s in slots if ms[s[2]].label == "Library"]
        archs = [s[2] for s in slots if ms[s[2]].label == "Architecture"]
        key = _norm(ms[subject].name)
        if subject in libs or any(_norm(ms[i].name) == key for i in libs):
            for a in archs:
                add("IMPLEMENTS", subject, a, sent.text, 0.5, "loose")

    def _propagate(self, hits, ms):
        built = [(h.head, h.tail) for h in hits if h.cue == "built-on:from-yielding"]
        for x, y in built:
            for h in list(hits):
                if h.type == "TRAINED_ON" and h.head == y:
                    h.head = x


@Language.factory("mlkg_relations_v1", default_config={})
def make_relation_finder(nlp: Language, name: str):
    return RelationFinder(nlp, name)
