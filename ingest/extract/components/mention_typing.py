"""Mention selection, typing and coreference.

1. Overlapping candidates: the higher-priority source wins (link > title >
   people > catalog > cue > shape), then the longer span.
2. "Long Name (ABBR)" → one mention with ABBR as alias (either side may be typed).
3. "X benchmark/dataset" after a non-Dataset mention → a Dataset mention.
4. Untyped mentions, and the recogniser's, take the type of a typed sibling in a
   coordination ("A, B, and C"); strongly name-shaped leftovers get the document kind's
   default type; the rest are dropped.
5. The item subject: the title's short name, the first linked/bold name, or the
   first non-organisation mention; "It", "the library", "this model" … at the
   start of a sentence corefer with it.
"""
from __future__ import annotations

import re

from spacy.language import Language

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import span_text, text_of, Mention, load_json, meta, mentions, state
from ingest.extract.components.sentences import sents
from ingest.extract.lexicon import is_ordinary_english

DEFAULTS = {"arxiv": "Architecture", "docs": "Architecture", "list": "Library", "newsletter": None}
_COORD = re.compile(r"^\s*(?:,|and|or|,\s*and|,\s*or|&|/|as well as)?\s*(?:both\s+|also\s+)?$", re.I)


_LIB_VOTE = re.compile(r"\b(?:library|toolkit|framework|package|open[- ]sourced?|code|repo|tool)\b")
_ARCH_VOTE = re.compile(r"\b(?:model|models|architecture|network|paper|llm)\b")


def _prio(m: Mention, catalog: list[Mention]) -> int:
    """A typed name that ends in a name head or is typed by its cue noun wins over the
    catalog names inside it: "Focused Transformer" over "Transformer", "Conformer CTC
    (model)" over "Conformer"; never over an organisation or library inside it."""
    if m.source == "cue" and m.label == "Architecture" and m.props.get("contains_catalog") \
            and (m.props.get("name_head") or m.props.get("cue_head")):
        inside = [c for c in catalog if m.start <= c.start and c.end <= m.end]
        if inside and all(c.label in {"Architecture", None} for c in inside) \
                and not any((c.start, c.end) == (m.start, m.end) for c in inside):
            return 45
    if m.source == "model" and m.label in {"Architecture", "Dataset", "Library"}:
        inside = [c for c in catalog if m.start <= c.start and c.end <= m.end
                  and (c.start, c.end) != (m.start, m.end)]
        if inside and all(c.label in {"Architecture", None} for c in inside):
            return 45
    return m.priority


def _select(doc, cands: list[Mention]) -> list[Mention]:
    catalog = [m for m in cands if m.source == "catalog"]
    cands = sorted(cands, key=lambda m: (-_prio(m, catalog), -(m.end - m.start), m.start))
    taken = [False] * len(doc)
    out = []
    for m in cands:
        if any(taken[k] for k in range(m.start, m.end)):
            continue
        for k in range(m.start, m.end):
            taken[k] = True
        out.append(m)
    out.sort(key=lambda m: m.start)
    return out


class EntityTyper:
    def __init__(self, nlp, name, catalog_dir):
        self.catalog = get_catalog(catalog_dir)
        self.pronouns = sorted(load_json("relation_cues.json")["pronouns"], key=len, reverse=True)
        self.pronoun_firsts = {p.split()[0].lower() for p in self.pronouns if p.split()}
        cues = load_json("entity_cues.json")
        self.dataset_words = set(cues["dataset_suffix_words"])

    def __call__(self, doc):
        info = meta(doc)
        kind = info.get("kind", "newsletter")
        cands = list(mentions(doc))
        generic_spans = state(doc).generic_spans
        if generic_spans:
            cands = [m for m in cands if not (m.source == "catalog" and any(
                s <= m.start and m.end <= e and (m.start, m.end) != (s, e) for s, e in generic_spans))]
        ms = _select(doc, cands)
        inner = self._inner(doc, info, cands, ms, kind)
        n = len(doc)
        tx = state(doc).texts
        if tx is None or len(tx) != n:
            tx = [t.text for t in doc]
        # catalog mentions with several labels: prefer the one context suggests, else first
        for m in ms:
            if m.label is None and m.source == "catalog":
                labels = m.props.get("catalog_labels", [])
                m.label = labels[0] if labels else None
        # 2. parenthetical aliases
        keep = []
        for idx, m in enumerate(ms):
            prev = keep[-1] if keep else None
            if prev is not None and m.start == prev.end + 1 and tx[prev.end] == "(" \
                    and m.end < n and tx[m.end] == ")":
                if prev.label is None and m.label is not None:
                    prev.label = m.label
                if prev.label == m.label or m.label is None:
                    if prev.label is None and m.label is None and (kind in {"arxiv", "docs"}):
                        prev.label = "Architecture"
                    prev.aliases.append(m.name or span_text(doc, m.start, m.end))
                    prev.props["alias_span"] = (m.start, m.end)
                    continue
            keep.append(m)
        ms = keep
        # 3. "X benchmark"
        for m in ms:
            if m.end < n and tx[m.end] in self.dataset_words and m.label not in {"Dataset", "Paper", "Organization", "Person"}:
                m.label = "Dataset"
                m.name = span_text(doc, m.start, m.end + 1)
                m.end += 1
        # 4. coordination typing
        text = text_of(doc)
        idx = state(doc).idx
        texts = state(doc).texts
        if idx is None or texts is None or len(idx) != len(doc):
            idx = [t.idx for t in doc]
            texts = [t.text for t in doc]
        gaps = [text[idx[a.end - 1] + len(texts[a.end - 1]):idx[b.start]] if b.start > a.end - 1 else ""
                for a, b in zip(ms, ms[1:])]
        for _ in range(2):
            for (a, b), gap in zip(zip(ms, ms[1:]), gaps):
                if len(gap) > 12 or not _COORD.match(gap):
                    continue
                # the recogniser's (or a name shape's) type yields to a coordinated sibling
                # typed by the catalog or a cue ("both JaxLib and TorchLite", "on the Quill,
                # Tarn and Gorse"): siblings share a type
                for x, y in ((a, b), (b, a)):
                    if x.source in {"model", "shape"} and not x.props.get("cue") and x.label != y.label \
                            and (y.source in {"catalog", "cue", "link"} or y.props.get("cue") or y.props.get("coord")) \
                            and y.label in {"Architecture", "Library", "Dataset"} \
                            and x.label in {"Architecture", "Library", "Dataset", "Organization"}:
                        x.label = y.label
                        x.props["coord"] = True      # typed by its sibling: passes it on
                if a.label is None and b.label is not None and b.label not in {"Paper", "Person"}:
                    a.label = b.label
                elif b.label is None and a.label is not None and a.label not in {"Paper", "Person"}:
                    b.label = a.label
        default = DEFAULTS.get(kind)
        if default is None:
            default = self._sentence_vote(doc, info)
        out = []
        for m in ms:
            if m.label is None:
                if m.props.get("strong") and default:
                    m.label = default
                    m.confidence = 0.5
                else:
                    continue
            if not m.name:
                m.name = span_text(doc, m.start, m.end)
            out.append(m)
        state(doc).mentions = out
        self._subject(doc, info, out, kind, inner)
        return doc

    @staticmethod
    def _title_word(doc, c, short) -> bool:
        """A library or dataset whose name is an English word, inside a title-cased title
        ("Needles in a Haystack", "Teach LLMs to Personalize"): the word, not the artifact
        (the title's own short name "Haystack: …" is still read as one)."""
        if c.label not in {"Library", "Dataset"} or (short and (c.start, c.end) == tuple(short)):
            return False
        text = doc[c.start:c.end].text
        return text[:1].isupper() and text[1:].islower() and is_ordinary_english(text)

    def _inner(self, doc, info, cands, ms, kind):
        """Catalog mentions inside a Paper span (kept as entities, not as relation slots),
        and the title's short name ("X: …") as a mention of its own."""
        papers = [m for m in ms if m.label == "Paper"]
        found = []
        for p in papers:
            for c in cands:
                # a release heading's versioned name ("lightning 2.3.0 …") counts as a catalog one
                if (c.source == "catalog" or c.props.get("cue") == "name-version") \
                        and p.start <= c.start and c.end <= p.end and c.label \
                        and not self._title_word(doc, c, info.get("title_short")):
                    found.append((p, c))
        short = info.get("title_short")
        short_mention = None
        if short:
            s, e = short
            label = None
            for p, c in found:
                if (c.start, c.end) == (s, e):
                    label = c.label
            if label is None:
                label = info.get("title_short_label") or ("Library" if kind == "list" else "Architecture")
            # "Frame Averaging - Pytorch": the cue says why the title's name is a name
            props = {"cue": "title-dash-library"} if info.get("title_library") else \
                {"cue": "docs-title"} if info.get("title_page_name") else {}
            short_mention = Mention(s, e, label, "title", name=doc[s:e].text, props=props, confidence=0.7)
        info["inner"] = [(p, c) for p, c in found if not short or (c.start, c.end) != tuple(short)]
        info["short_mention"] = short_mention
        return found

    def _sentence_vote(self, doc, info) -> str | None:
        text = text_of(doc).lower()
        lib = len(_LIB_VOTE.findall(text))
        arch = len(_ARCH_VOTE.findall(text))
        if lib == 0 and arch == 0:
            # no cue word: follow what the known names of the document are
            votes = {"Library": 0, "Architecture": 0}
            for m in state(doc).mentions:
                if m.label in votes and m.source in {"catalog", "cue", "link"}:
                    votes[m.label] += 1
            if votes["Library"] == votes["Architecture"]:
                return None
            return max(votes, key=votes.get)
        return "Library" if lib >= arch else "Architecture"

    def _subject(self, doc, info, ms: list[Mention], kind: str, inner=()):
        subject = None
        short = info.get("title_short")
        sm = info.get("short_mention")
        for p, c in info.get("inner", []):
            c.props["inner_of"] = True
            ms.append(c)
            p.props.setdefault("inner", []).append(len(ms) - 1)
        if sm is not None:
            from kg.keys import normalize_name
            same = [i for i, m in enumerate(ms) if m.label != "Paper" and not m.props.get("inner_of")
                    and normalize_name(m.name) == normalize_name(sm.name)]
            if same:
                subject = same[0]
            else:
                sm.props["inner_of"] = True
                ms.append(sm)
                subject = len(ms) - 1
        if subject is None and short:
            for i, m in enumerate(ms):
                if (m.start, m.end) == tuple(short) or (m.start >= short[0] and m.end <= short[1] and m.label != "Paper"):
                    subject = i
                    break
        if subject is None and kind in {"docs", "list"}:
            for i, m in enumerate(ms):
                if m.source in {"link", "cue", "catalog", "shape"} and m.label in {"Library", "Architecture", "Dataset", "Paper"}:
                    subject = i
                    break
        if subject is None and kind == "arxiv":
            intro = re.compile(r"\b(?:we|We)\s+(?:\w+\s+)?(?:present|introduce|propose|release|develop|build|create|call|name)\s+(?:\S+\s+){0,6}?$")
            for i, m in enumerate(ms):
                before = text_of(doc)[max(0, doc[m.start].idx - 60):doc[m.start].idx]
                if m.label in {"Architecture", "Library", "Dataset"} and intro.search(before):
                    subject = i
                    break
            if subject is None:
                for i, m in enumerate(ms):
                    if m.label == "Paper":
                        subject = i
                        break
        if subject is None:
            subject = first_artifact(ms)
        state(doc).subject = subject
        coref = []
        if subject is not None:
            text = text_of(doc)
            idx = state(doc).idx
            texts = state(doc).texts
            bounds = state(doc).sents
            if idx is None or texts is None or bounds is None:
                idx = [t.idx for t in doc]
                texts = [t.text for t in doc]
                bounds = [(s.start, s.end) for s in sents(doc)]
            firsts = self.pronoun_firsts
            for start, end in bounds:
                if texts[start].lower() not in firsts:
                    continue
                low = text[idx[start]:idx[end - 1] + len(texts[end - 1])].lower()
                for p in self.pronouns:
                    if low.startswith(p + " ") or low.startswith(p + ","):
                        n = len(p.split())
                        coref.append((start, start + n, subject))
                        break
        state(doc).coref = coref


def first_artifact(ms: list[Mention]) -> int | None:
    """The subject when nothing marks one: the first library, architecture, dataset
    or paper named."""
    return next((i for i, m in enumerate(ms) if m.label in {"Library", "Architecture", "Dataset", "Paper"}),
                None)


@Language.factory("mlkg_typing_v1", default_config={"catalog_dir": None})
def make_typer(nlp: Language, name: str, catalog_dir: str | None):
    return EntityTyper(nlp, name, catalog_dir)
