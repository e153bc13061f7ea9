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

from spacy.lang.lex_attrs import like_url
from spacy.language import Language

from ingest.extract.catalog import get_catalog
from ingest.extract.components.base import span_text, text_of, Mention, load_json, meta, mentions, state

_SIZE = re.compile(r"^\$?\d+(?:\.\d+)?[BMKbmk]\$?$|^\d+(?:\.\d+)?(?:B|M|K)-?(?:param|parameter)s?$")
_FUNC = {"of", "for", "in", "and", "the", "with", "to", "on", "a", "an", "from", "via", "is", "are",
         "at", "by", "or", "as", "&", "without", "beyond", "through", "into", "vs", "vs."}
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_VERSION = re.compile(r"^v?\d+(?:\.\d+)+\w*$", re.I)      # "v0.5.0", "2.3.0rc1": a release, not a name


# never a name on their own: counts and sizes (2D, 16-bit, 22.2x, 4-year-olds, 64K,
# 30fps) — a token that starts with a digit is a name only with two capitals among
# three or more letters (3DSSD, 3DETR, 2D-TAN) —, plural acronyms (LLMs, KVs, DAGs),
# metrics with a cut-off (top-1, pass@1, ROUGE-L), accelerators (A100s, H100, V100)
_NOT_NAME = re.compile(
    r"^\d(?!(?=(?:[^A-Za-z]*[A-Za-z]){3})(?=(?:[^A-Z]*[A-Z]){2}))"
    r"|^[A-Z]{2,}s$"
    r"|^(?i:top|pass|rouge|bleu|hits|recall|precision|acc|f|mrr|ndcg|map)[-@]?(?:\d+|[lLnN])$"
    r"|^[AHVPKTL]\d{2,3}s?$|^(?:RTX|GTX)\d*"
    r"|^(?:multi|single|cross|non|pre|post|sub|semi|inter|intra|per|on|off|in|de|re)-[A-Z]+s?$")
_CODE = re.compile(r"[=\\{}\[\]()<>\"'`|;]|\.\w+\(")   # code and markup, not names
_PKG = re.compile(r"^[a-z][a-z0-9]*(?:\.(?:cpp|js|py|jl|rs|ai|io))$|^[a-z]+-[a-z]*\d")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_SHAPES: dict[str, int] = {}


def shape_text(t: str) -> int:
    """0 = not a name token, 1 = Title-case word, 2 = strongly name-shaped."""
    got = _SHAPES.get(t)
    if got is None:
        got = _shape(t)
        if len(_SHAPES) < 500_000:
            _SHAPES[t] = got
    return got


def _shape(t: str) -> int:
    if not any(c.isalpha() for c in t) or len(t) > 40 or t[0] in "$\\@#":
        return 0
    if like_url(t) or _EMAIL.match(t) or _NOT_NAME.match(t) or _CODE.search(t):
        return 0
    if sum(c.isalpha() for c in t) < 2 and not any(c.isdigit() for c in t):
        return 0    # a single letter ("B" of "ViT-B / 16")
    has_digit = any(c.isdigit() for c in t)
    inner_upper = any(c.isupper() for c in t[1:])
    if (has_digit and any(c.isalpha() for c in t)) or inner_upper:
        if _SIZE.match(t) or re.match(r"^\d+(?:st|nd|rd|th|s|x|k|%)?$", t, re.I):
            return 0
        return 2
    if t[0].isupper():
        return 1
    if _PKG.match(t):
        return 2
    return 0


def shape(tok) -> int:
    return shape_text(tok.text)


def namelike(t: str) -> bool:
    """Name evidence beyond capitals: mixed case (SynJax, LMFlow) or letters with digits
    (Llama-2, T5). A bare acronym (IAD, PII) is not enough without a cue."""
    if shape_text(t) != 2:
        return False
    letters = [c for c in t if c.isalpha()]
    if any(c.isdigit() for c in t):
        return len(letters) >= 1
    return any(c.islower() for c in letters) and any(c.isupper() for c in letters)


# head nouns that are usually part of a name ("Focused Transformer", "Graph Attention
# Network"); other head nouns ("model", "library", "dataset") are cues and not kept
_NAME_HEADS = {"transformer", "transformers", "network", "networks", "net", "nets", "encoder",
               "decoder", "agent", "machine", "machines", "learner", "mechanism", "layer",
               "embedding", "embeddings", "tokenizer", "estimator", "detector", "classifier"}
# unknown names typed by their own ending: FreeFormQA, HumanEvalPack, Proof-Pile, LMFlow
_DATASET_END = re.compile(r"(?:QA|Bench|Benchmark|Eval|Set|Corpus|Pile|Pack|Instruct|Arena|Dataset|Data|Caps|Captions|VQA)(?:-?\d+[A-Za-z]?)?$")
_LIBRARY_END = re.compile(r"(?:Flow|Kit|Hub|Lib|[Jj]ax|JAX|Torch|\.js|\.cpp|\.py|Py|ML|Ops)$")
_BULLETS = {"*", "-", "•", "–", "1.", "+"}
_TRAIL_DIGITS = re.compile(r"[-_ ]?\d+$")
_BIB_PART = re.compile(r"^[A-Z][\w'’-]+(?: [\w'’-]+){0,2}$")


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
        self._from_lists(doc, found, taken)
        self._people(doc, found, taken, kind)
        self._et_al(doc, found, taken)
        self._lowercase_is_a(doc, found, taken, kind)
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
                         ((starts[i] or (i > 0 and starts[i - 1] and texts[i - 1] in _BULLETS))
                          and shapes[i] == 1 and j - i > 1 and self._initial_word(texts[i])) or
                         (i > 0 and texts[i - 1] in _BULLETS and j - i > 1 and texts[i].lower() in self.changelog_verbs)):
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
                return "Organization", "org-suffix"
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
        right = doc[d + 1:span.end].text
        if "Library" not in {e.label for e in self.catalog.lookup(right)}:
            return False
        s, e = span.start, d
        while s < e and not any(ch.isalnum() for ch in doc[s].text):
            s += 1          # "🦩 Flamingo - Pytorch"
        if e - s > 2 and doc[e - 1].text == ")" and "(" in [t.text for t in doc[s:e - 1]]:
            e = max(k for k in range(s, e) if doc[k].text == "(")   # "… Network (ESBN)": the long form
        left = doc[s:e].text
        if not 0 < e - s <= 8 or not any(ch.isalnum() for ch in left) or self.generic(left) \
                or self.catalog.lookup(left):
            return False
        info["title_short"] = (s, e)
        info["title_short_label"] = self.cue(doc, s, e, "newsletter")[0]
        info["title_library"] = (d + 1, span.end)
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
        for k in sorted(set(triggers)):
            end = k
            starts = state(doc).starts
            while end < n and not (texts[end] in {".", ";", "\n"} and (end + 1 >= n or starts[end + 1])) \
                    and end - k < 120 and texts[end] not in {"(", ")"}:
                end += 1
            people = self._bibtex(doc, k, end)
            if people is None:
                people = []
                for s, e in _split_list(doc, k, end):
                    while s < e and texts[s].lower() in {"the"}:
                        s += 1
                    while e > s and texts[e - 1] in {"*", "†", "‡"}:
                        e -= 1
                    if s >= e:
                        continue
                    words = texts[s:e]
                    if words[-1].lower() == "team" and len(words) >= 2:
                        people.append((s, e, "Organization", None))
                        continue
                    if 2 <= len(words) <= 5 and all(_person_token(t) for t in words) and words[0][0].isupper() \
                            and not any(self.catalog.lookup(t) for t in words if shape_text(t) == 2):
                        people.append((s, e, "Person", None))
                    else:
                        break
            for s, e, lab, name in people:
                if any(taken[x] for x in range(s, e)):
                    continue
                name = name or span_text(doc, s, e).replace("*", "").strip()
                found.append(Mention(s, e, lab, "people", name=name, confidence=0.8))
                for x in range(s, e):
                    taken[x] = True

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


@Language.factory("mlkg_names_v1", default_config={"catalog_dir": None})
def make_name_finder(nlp: Language, name: str, catalog_dir: str | None):
    return NameFinder(nlp, name, catalog_dir)
