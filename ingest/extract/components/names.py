"""Cue-pattern entity finder: names the catalog does not know, typed by context.

Candidates are runs of name-shaped tokens (CamelCase, ALLCAPS, digit-bearing,
Title-case). A candidate is typed by, in order: an organisation suffix
("… University", "… Lab"), an adjacent head noun ("X library", "X dataset"), a
copula/apposition ("X is a … toolkit", "X, a … model"), a verb frame
("trained on X", "fine-tune X", "X from ORG", "ORG's …"), coordination with a
typed sibling ("Llama-2, MPT, Falcon, and Pythia"), and finally a default per
document kind for strongly name-shaped tokens. Also: paper titles (arXiv
``title``, item headings, "X: … is a paper"), author lists after "by", and
"(from A, B)" organisation lists (those structural passes are name_passes.py; token
shapes are name_shapes.py).
"""
from __future__ import annotations

import re

from spacy.language import Language

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import span_text, text_of, Mention, load_json, meta, mentions, state
from ingest.extract.components.name_passes import StructuralNames, _person_token
from ingest.extract.components.name_shapes import (_BULLETS, _DATASET_END, _FUNC, _LIBRARY_END, _NAME_HEADS,
                                                   _SHAPES, _SIZE, _TRAIL_DIGITS, _VERSION, _YEAR, namelike,
                                                   shape_text)


def _after_tag(texts: list[str], starts: list[bool], i: int) -> bool:
    """Token i follows a bracketed tag that opens its line or item ("- [Feature] Support
    …", "- [03/10] Releasing …"): it opens the item's text as a bullet's first word does."""
    if i < 3 or texts[i - 1] != "]":
        return False
    for k in range(i - 2, max(-1, i - 10), -1):
        if texts[k] == "[":
            return starts[k] or (k > 0 and texts[k - 1] in _BULLETS)
    return False


class NameFinder(StructuralNames):
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
        self.generic_words = frozenset(w.lower() for w in cues.get("generic_words", ()))
        self.changelog_verbs = frozenset(cues["changelog_verbs"])
        self.document_words = frozenset(cues["document_words"])
        verbs = sorted(cues["library_verbs"], key=len, reverse=True)
        self.library_verb = re.compile(r"\s*(?:(?:" + "|".join(_ADVERBS) + r")\s+)*(?:"
                                       + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs) + r")\b", re.I)
        # the words a library verb can start with: a cheap test before the regex
        self.library_verb_starts = frozenset(_ADVERBS) | {v.split()[0] for v in verbs}
        self.context_cues = [(c["id"], c["label"], _phrase_before(c["before"])) for c in cues["context_cues"]]

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
        texts = state(doc).texts
        starts = state(doc).starts
        for k in range(i, min(len(texts), i + limit)):
            low = texts[k].lower()
            if starts[k] and k != i:
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
        if state(doc).texts is None:      # run without the sentence stage
            state(doc).texts = [t.text for t in doc]
            state(doc).starts = [bool(t.is_sent_start) for t in doc]
        texts = state(doc).texts
        starts = state(doc).starts
        n = len(texts)
        get = _SHAPES.get
        shapes = [sh if (sh := get(t)) is not None else shape_text(t) for t in texts]
        state(doc).shapes = shapes
        # a capitalised word that the document also writes in lowercase is a common word
        self._lower_words = {t for t in texts if t.islower()}
        taken = [False] * n
        for m in found:
            if m.source == "link":
                for k in range(m.start, m.end):
                    taken[k] = True
        for s, e in info.get("label_spans", ()):
            for k in range(s, e):
                taken[k] = True
        self._title(doc, info, found, taken, kind)
        self._titled_lines(doc, info, found, taken)
        self._paper_fields(doc, found, taken)
        self._from_lists(doc, found, taken)
        self._people(doc, found, taken, kind)
        self._et_al(doc, found, taken)
        self._lowercase_is_a(doc, found, taken, kind)
        self._versioned(doc, found, taken)
        self._tags(doc, info, found, taken)
        catalog_cover = [False] * n
        for m in found:
            if m.source == "catalog":
                for k in range(m.start, m.end):
                    catalog_cover[k] = True
        # a newline in the whitespace after token k ends a run
        breaks = state(doc).nl
        if breaks is None or len(breaks) != n:
            text = text_of(doc)
            breaks = [False] * n
            for k in range(n - 1):
                if "\n" in text[doc[k].idx + len(texts[k]):doc[k + 1].idx]:
                    breaks[k] = True
        stop = self.stop
        i = 0
        for i0 in [k for k in range(n) if shapes[k]]:
            if i0 < i:
                continue
            i = i0
            sh = shapes[i]
            if taken[i] or (sh < 2 and texts[i].lower() in stop):
                i += 1
                continue
            j = i + 1
            while j < n and not taken[j] and not starts[j] and not breaks[j - 1] \
                    and shapes[j] > 0 and not _SIZE.match(texts[j]) \
                    and not texts[j - 1].endswith(("'s", "’s")):
                j += 1
            self._candidate(doc, i, j, kind, found, catalog_cover)
            i = j
        return doc

    def _initial_word(self, t: str) -> bool:
        """A sentence-initial capitalised word that is likely an ordinary word."""
        return self._common(t) or t.lower().endswith(("ing", "ed", "ly", "es")) or len(t) <= 3

    def _common(self, t: str) -> bool:
        low = t.lower()
        return low in self.generic_words or low in self._lower_words or low in self.stop \
            or low in self.head_nouns

    def _candidate(self, doc, i, j, kind, found, catalog_cover):
        texts = state(doc).texts
        starts = state(doc).starts
        shapes = state(doc).shapes
        # trim leading sentence-initial common words ("Deploying Large …", "The …") and a
        # changelog bullet's verb ("- Support DanceTrack dataset")
        while i < j and (texts[i].lower() in self.stop or texts[i].lower() in _FUNC or
                         ((starts[i] or (i > 0 and starts[i - 1] and texts[i - 1] in _BULLETS) or _after_tag(texts, starts, i))
                          and shapes[i] == 1 and j - i > 1 and self._initial_word(texts[i])) or
                         ((i > 0 and texts[i - 1] in _BULLETS or _after_tag(texts, starts, i))
                          and j - i > 1 and texts[i].lower() in self.changelog_verbs)):
            i += 1
        # trailing cue nouns are not part of the name ("Conformer CTC Model"); name heads
        # are ("Focused Transformer")
        stripped = j
        while j - i > 1 and texts[j - 1].lower() in self.head_nouns and shapes[j - 1] >= 1 \
                and texts[j - 1].lower() not in _NAME_HEADS \
                and self.head_nouns[texts[j - 1].lower()] != "Organization" \
                and (shapes[j - 1] == 1 or texts[j - 1].isupper()):
            j -= 1
        if i >= j:
            return
        if all(catalog_cover[k] for k in range(i, j)) and not (
                j - i > 1 and j < len(texts) and texts[j].lower() in self.head_nouns):
            return      # known names; but "Conformer CTC model" may be a longer name
        text = span_text(doc, i, j)
        if self.generic(text) and j - i > 1:
            # "MultiLayer Perceptron": no catalog name inside a generic phrase either
            state(doc).generic_spans.append((i, j))
            return
        if self.generic(text) or text.lower() in self.stop or _YEAR.match(text) or _VERSION.match(text):
            return
        if j - i == 1 and _TRAIL_DIGITS.search(text) and self.generic(_TRAIL_DIGITS.sub("", text)):
            return      # "CVPR2023", "GPU4"
        if stripped > j and self.generic(span_text(doc, i, stripped)):
            return      # "Large Language Models", "Convolutional Neural Networks"
        strong = any(shapes[k] == 2 for k in range(i, j))
        name_ev = any(namelike(texts[k]) for k in range(i, j))
        if not strong and all(self._common(texts[k]) for k in range(i, j)):
            return      # capitalised common words: "Language Models", "Chat", "Furthermore"
        if not strong and texts[j - 1].lower() in _NAME_HEADS and all(
                self._common(texts[k]) or self.generic(texts[k]) for k in range(i, j - 1)):
            return      # "Graph Attention Network" style generic descriptions
        sent_initial = starts[i] or (i > 0 and texts[i - 1] in {"•", "*", "-", "1."})
        label, cue_id = self.cue(doc, i, j, kind)
        if label is None:
            label = self._suffix_type(texts[j - 1], strong)
            cue_id = "suffix" if label else ""
        if label is None and not strong and sent_initial:
            return
        conf = 0.75 if label else 0.5
        contains_catalog = any(catalog_cover[k] for k in range(i, j))
        found.append(Mention(i, j, label, "cue" if label else "shape", name=text,
                             props={"strong": name_ev,
                                    "cue_head": stripped > j or (j < len(texts) and texts[j].lower() in self.head_nouns
                                                                 and texts[j].lower() not in _NAME_HEADS),
                                    "name_head": texts[j - 1].lower() in _NAME_HEADS and j - i > 1,
                                    "contains_catalog": contains_catalog, "cue": cue_id},
                             confidence=conf))

    @staticmethod
    def _suffix_type(last: str, strong: bool) -> str | None:
        if not strong and not last[:1].isupper():
            return None
        if _DATASET_END.search(last) and len(last) > 4:
            return "Dataset"
        if strong and _LIBRARY_END.search(last) and len(last) > 4:
            return "Library"
        return None

    def cue(self, doc, i, j, kind) -> tuple[str | None, str]:
        """(type, cue id) of the explicit cue around tokens i..j, or (None, ""). Also
        types the recogniser's names; the id says which cue fired (a mention-scorer feature)."""
        texts = state(doc).texts
        starts = state(doc).starts
        shapes = state(doc).shapes
        n = len(texts)
        last = texts[j - 1]
        if last in self.org_suffixes and j - i > 1:
            if not (kind == "arxiv" and last in {"AI"}):
                # one cue id per suffix: "… University" and "… AI" are not equally sure
                # (the mention scorer measures each; train_mentions.precise_cues)
                return "Organization", "org-suffix:" + last.lower().rstrip(".")
        if i > 0 and texts[i - 1].lower() == "the" and last.lower() == "team":
            return "Organization", "the-team"
        k = j
        while k < n and _SIZE.match(texts[k]):
            k += 1
        if k + 2 < n and texts[k].lower() == "from" and not starts[k]:
            # "Tune from HuggingFace is a benchmarking library": look past "from ORG"
            for x in range(k + 1, min(n, k + 6)):
                if starts[x] or texts[x] in {".", ";", ":"}:
                    break
                if texts[x].lower() in {"is", "are", "was"} or (
                        texts[x] == "," and x + 1 < n and texts[x + 1].lower() in {"a", "an"}):
                    lab = self.scan_head(doc, x + 1, kind)
                    if lab in {"Library", "Architecture", "Dataset"}:
                        return lab, "from-org-is-a"
                    break
        if k < n:
            nxt = texts[k].lower()
            lab = self.head_label(nxt, kind)
            if lab in {"Library", "Architecture", "Dataset"} and not starts[k]:
                return lab, "head-noun:" + nxt      # "X library" is a surer cue than "X methods"
            if nxt in {"is", "are", "was"} or (nxt == "," and k + 1 < n and texts[k + 1].lower() in {"a", "an", "the"}) \
                    or (nxt == "("):
                lab = self.scan_head(doc, k + 1, kind)
                if lab == "Paper":
                    return None, ""
                if lab:
                    return lab, "is-a"
            if nxt in {"-", "–", "—", ":"} and (i == 0 or starts[i] or texts[i - 1] in _BULLETS):
                # a list item "* GlimmerViz - visualization library for PyTorch"
                lab = self.scan_head(doc, k + 1, kind, 6)
                if lab in {"Library", "Architecture", "Dataset"}:
                    return lab, "item-description"
            if kind != "arxiv" and nxt in self.library_verb_starts:
                at = doc[k].idx
                if self.library_verb.match(text_of(doc)[at:at + 60]):
                    return "Library", "library-verb"       # "Zorvik now supports …"
            if nxt in {"'s", "’s"}:
                lab = self.scan_head(doc, k + 1, kind, 6)
                if lab == "Library" and kind != "arxiv":
                    return "Organization", "possessive-org"
        if i > 0:
            prev = " ".join(texts[max(0, i - 4):i]).lower() + " "
            if _PREV_DATASET.search(prev):
                return "Dataset", "prev-dataset"
            if _PREV_ARCH.search(prev):
                return "Architecture", "prev-arch"
            for cue_id, label, before in self.context_cues:
                if before.search(prev):
                    return label, cue_id
            if _PREV_FROM.search(prev) or (
                    kind != "arxiv" and _PREV_BY.search(prev)
                    and j < n and not texts[j][:1].isdigit()):
                if not any(shapes[x] == 2 and not texts[x].isupper() for x in range(i, j)) \
                        and not (texts[i - 1].lower() == "by" and 2 <= j - i <= 4
                                 and all(_person_token(texts[x]) for x in range(i, j))):
                    # "a … library from Lyft" / "(from Meta AI)" vs any "from X"/"by X"
                    return "Organization", ("artifact-from" if _ARTIFACT_FROM.search(prev) or _PREV_FROM.search(prev)
                                            else "prev-from-by")
        return None, ""


_PREV_DATASET = re.compile(r"(?:trained|pre-?trained|fine-?tuned|finetuned|evaluated|tested|benchmarked|"
                           r"results|accuracy|performance|achieves|reaches|scores|scored|sota|state-of-the-art)\s+"
                           r"(?:\S+\s+){0,2}?(?:on|in)\s+(?:the\s+)?$")
_PREV_ARCH = re.compile(r"(?:fine-?tune|finetune|pre-?train|pretraining|continue pretraining|fine-?tuning)\s+(?:the\s+|a\s+)?$")
_PREV_FROM = re.compile(r"\(\s*from\s+(?:the\s+)?$")
_PREV_BY = re.compile(r"\b(?:from|by)\s+(?:the\s+)?$")
_ARTIFACT_FROM = re.compile(r"\b(?:library|toolkit|framework|package|tool|model|models|dataset|benchmark|"
                            r"platform|engine|system)\s+(?:from|by|developed by|released by|built by)\s+(?:the\s+)?$")


_ADVERBS = ("now", "also", "officially", "finally", "already")


def _phrase_before(phrases: list[str]) -> re.Pattern:
    """Matches text ending in one of ``phrases`` (and an optional article)."""
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(r"(?:^|\s)(?:" + alts + r")\s+(?:the\s+|a\s+|an\s+)?$", re.I)


@Language.factory("mlkg_names_v1", default_config={"catalog_dir": None})
def make_name_finder(nlp: Language, name: str, catalog_dir: str | None):
    return NameFinder(nlp, name, catalog_dir)
