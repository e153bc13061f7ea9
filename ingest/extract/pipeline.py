"""The extraction pipeline: ``build_pipeline()`` makes the spaCy nlp object once;
``Extractor`` turns :class:`kg.models.Document` into :class:`Extraction`.

Stages (each a registered, versioned spaCy component):
tokenizer (tokenizer.py) → mlkg_sentences_v1 → mlkg_links_v1 → mlkg_catalog_v1 →
mlkg_names_v1 → mlkg_typing_v1 (selection, typing, subject, coreference) →
mlkg_relations_v1; with the trained models: mlkg_ner after the sentences,
mlkg_learned_names_v1 before typing, mlkg_mention_scorer_v1 and
mlkg_relation_model_v1 after the rule relations. Then ingest.resolve clusters the
mentions into entities.
"""
from __future__ import annotations

import gc
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language

from kg.errors import ExtractionError
from kg.keys import normalize_arxiv_id
from kg.models import Document, Entity, EntityRef, Evidence, Relation
from ingest.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, Extraction
from ingest.extract.components.base import state, titleish
from ingest.extract.components.links import attach_identifiers, attach_paper_links
from ingest.extract.components.name_shapes import well_formed
from ingest.extract.markup import LinkSpan, clean
from ingest.extract.origin import origin_names
from ingest.extract.lexicon import install_word_flag
from ingest.extract.tokenizer import make_tokenizer
from ingest.resolve import Resolver

# importing registers the components
from ingest.extract.components import (catalog_matcher, learned_names, links, mention_scorer,  # noqa: F401
                                       mention_typing, names, relation_model, relations, sentences)

MAX_CHARS = 100_000  # longer texts are truncated (a 5 MB document still yields a result)
# spaCy's tokenizer strips prefix characters ("[", "(", "`") one at a time, copying the
# rest of the chunk each time: quadratic in a run's length (24 k "[" held the API for
# 40 s). Runs longer than this carry no names; they are cut to it, which bounds the cost.
MAX_PUNCT_RUN = 64
# mention props that become entity props: the keys and outside identifiers the text gave
_ENTITY_PROPS = frozenset({"arxiv_id", "repo", "pypi", "hf_id"})
_PUNCT_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_PUNCT_RUN + 1))


MODELS_DIR = Path(__file__).resolve().parent / "models"


def build_pipeline(catalog_dir: str | None = None, learned: bool = True,
                   models_dir: str | None = None) -> Language:
    """The extraction pipeline. ``learned`` adds the trained entity recogniser and
    relation model shipped in ingest/extract/models (when present); without them
    the pipeline is the rule-based one (catalog, cues, gap patterns)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    install_word_flag(nlp)      # the recogniser reads it; it runs on this vocabulary
    nlp.max_length = MAX_CHARS + 10_000
    nlp.add_pipe("mlkg_sentences_v1")
    models = Path(models_dir) if models_dir else MODELS_DIR
    if learned and (models / "ner").exists():
        nlp.add_pipe("ner", name="mlkg_ner", source=load_ner(str(models / "ner")))
    nlp.add_pipe("mlkg_links_v1")
    nlp.add_pipe("mlkg_catalog_v1", config={"catalog_dir": catalog_dir})
    nlp.add_pipe("mlkg_names_v1", config={"catalog_dir": catalog_dir})
    if "mlkg_ner" in nlp.pipe_names:
        nlp.add_pipe("mlkg_learned_names_v1")
    nlp.add_pipe("mlkg_typing_v1", config={"catalog_dir": catalog_dir})
    nlp.add_pipe("mlkg_relations_v1")
    if learned and (models / "mentions.npz").exists():
        nlp.add_pipe("mlkg_mention_scorer_v1", config={"catalog_dir": catalog_dir,
                                                      "model_path": str(models / "mentions.npz")})
    if learned and (models / "relations.npz").exists():
        nlp.add_pipe("mlkg_relation_model_v1", config={"model_path": str(models / "relations.npz")})
    return nlp


def load_ner(path: str) -> Language:
    """The trained recogniser's pipeline (its config names the project's tokenizer)."""
    import ingest.extract.training.registry  # noqa: F401  registers mlkg.tokenizer.v1
    return spacy.load(path)


_HEADING = re.compile(r"^\s*([^\n]{8,200}?)\s*\n")


def prepare(doc: Document) -> tuple[str, dict]:
    """Text to analyse plus pipeline metadata (kind, links, title span)."""
    kind = (doc.kind or "newsletter").lower()
    if kind not in {"arxiv", "docs", "list", "newsletter"}:
        kind = "newsletter" if kind in {"feed", "mail", "blog"} else kind
    raw = _PUNCT_RUN.sub(lambda run: run.group(0)[:MAX_PUNCT_RUN], doc.text or "")
    if len(raw) > MAX_CHARS:
        raw = raw[:MAX_CHARS]
    cleaned = clean(raw)
    text = cleaned.text
    links = list(cleaned.links)
    for link in doc.links or ():   # links a reader already removed from the text
        if link.text and link.text.strip():
            at = text.find(link.text.strip())
            if at >= 0 and not any(l.start <= at < l.end for l in links):
                links.append(LinkSpan(at, at + len(link.text.strip()), link.url, link.text.strip()))
    info: dict = {"kind": kind, "links": links, "tags": list(cleaned.tags), "origin": origin_names(doc)}
    title = (doc.title or "").strip()
    offset = 0
    body = text.lstrip()
    # a text that opens with its title as a line of its own carries it already; a title
    # that is only the first words of the first sentence ("Corvid" / "Corvid is a …") does not
    if title and not (body.startswith(title) and body[len(title):len(title) + 1] in {"", "\n", "\r"}):
        prefix = title + "\n\n"
        offset = len(prefix)
        text = prefix + text
        info["links"] = [LinkSpan(l.start + offset, l.end + offset, l.url, l.text) for l in links]
        info["tags"] = [(a + offset, b + offset) for a, b in cleaned.tags]
    if title:
        start = text.find(title)
        info["title_span"] = (start, start + len(title))
        info["title"] = title
        if doc.arxiv_id and normalize_arxiv_id(doc.arxiv_id):
            info["title_props"] = {"arxiv_id": normalize_arxiv_id(doc.arxiv_id)}
    elif kind == "newsletter":
        _newsletter_title(text, info)
    return text, info


def _newsletter_title(text: str, info: dict) -> None:
    """An item heading that reads like a paper title; or 'Title Case Words is a … paper'."""
    m = _HEADING.match(text)
    if m and titleish(m.group(1)) and not m.group(1).rstrip().endswith((".", ":")) \
            and len(m.group(1).split()) >= 4:
        info["title_span"] = (m.start(1), m.end(1))
        info["title"] = m.group(1).strip()
        info["title_cue"] = "heading"
        return
    m = re.match(r"^\s*(.{10,160}?)\s+(?:is|was)\s+(?:an?|the)\s+(?:\w+\s+){0,3}?(?:paper|compilation|survey|study|report|preprint|article)\b", text)
    if m and titleish(m.group(1)) and "," not in m.group(1):
        info["title_span"] = (m.start(1), m.end(1))
        info["title"] = m.group(1).strip()
        info["title_cue"] = "is-a-paper"


class Extractor:
    """Runs the pipeline and resolves mentions into entities and relations."""

    def __init__(self, nlp: Language | None = None, catalog_dir: str | None = None, learned: bool = True):
        self.options = {"catalog_dir": catalog_dir, "learned": learned}   # for worker processes
        self.nlp = nlp or build_pipeline(catalog_dir, learned=learned)
        # The pipeline (vocab, catalog, patterns) lives as long as the process; move it
        # out of the cyclic collector's generations so full collections, triggered by
        # the many short-lived objects of each document, stop rescanning it (~10 % CPU).
        gc.collect()
        gc.freeze()

    def extract(self, doc: Document) -> Extraction:
        try:
            return self._extract(doc)
        except ExtractionError:
            raise
        except Exception as exc:  # one bad document must not stop a batch
            raise ExtractionError(f"{doc.id}: extraction failed: {type(exc).__name__}: {exc}") from exc

    def _make_doc(self, doc: Document):
        text, info = prepare(doc)
        if not text.strip():
            return None
        sdoc = self.nlp.make_doc(text)
        state(sdoc).meta = info
        state(sdoc).text_n = (len(sdoc), text)   # the tokenizer keeps the text as is
        return sdoc

    def analyse(self, doc: Document):
        """The processed spaCy Doc (mentions, subject, relation hits), or None for an
        empty text."""
        sdoc = self._make_doc(doc)
        if sdoc is None:
            return None
        for _name, proc in self.nlp.pipeline:
            sdoc = proc(sdoc)
        return sdoc

    def _extract(self, doc: Document) -> Extraction:
        return self._resolve(doc, self.analyse(doc))

    def _extract_batch(self, docs: list[Document]) -> list[Extraction]:
        """Several documents through ``nlp.pipe`` (the trained components predict a batch
        at once); a batch that fails is redone one document at a time, so one bad
        document costs only itself."""
        try:
            made = [self._make_doc(d) for d in docs]
            live = [s for s in made if s is not None]
            done = iter(self.nlp.pipe(live, batch_size=len(live) or 1))
            return [self._resolve(d, None if s is None else next(done)) for d, s in zip(docs, made)]
        except Exception:  # noqa: BLE001 — fall back to per-document isolation
            return [self._safe(d) for d in docs]

    def _resolve(self, doc: Document, sdoc) -> Extraction:
        if sdoc is None:
            return Extraction(doc.id)
        ms = state(sdoc).mentions
        attach_paper_links(sdoc, ms)
        attach_identifiers(sdoc, ms)
        resolver = Resolver()
        cids = []
        for m in ms:
            if not well_formed(m.name, m.label):
                cids.append(None)       # a formula or a fragment: no node, and no fact on it
                continue
            props = {k: v for k, v in m.props.items() if k in _ENTITY_PROPS}
            canonical = m.name if m.source in {"catalog", "link"} else None
            cids.append(resolver.add(m.label, m.name, m.aliases, canonical=canonical, props=props))
        entities: dict[int, Entity] = {}
        for cid in dict.fromkeys(c for c in cids if c is not None):
            c = resolver.clusters[cid]
            try:
                entities[cid] = Entity(c.label, resolver.name_of(cid), resolver.aliases_of(cid), dict(c.props))
            except ValueError:
                continue
        rels: list[Relation] = []
        seen = set()
        refs: dict[int, EntityRef] = {}     # Entity.key normalizes the name on every call

        def ref(cid: int) -> EntityRef:
            r = refs.get(cid)
            if r is None:
                r = refs[cid] = EntityRef.of(entities[cid])
            return r

        for hit in state(sdoc).relations:
            hc, tc = cids[hit.head], cids[hit.tail]
            h, t = entities.get(hc), entities.get(tc)
            if h is None or t is None or h is t:
                continue
            hr, tr = ref(hc), ref(tc)
            key = (hit.type, hr.key, tr.key)
            if key in seen:
                continue
            seen.add(key)
            try:
                rels.append(Relation(hit.type, hr, tr,
                                     Evidence(doc.id, hit.sentence, EXTRACTOR_NAME, EXTRACTOR_VERSION,
                                              hit.confidence)))
            except ValueError:
                continue
        # facts from the document's structured fields (arXiv metadata, docs origin): metadata.py
        from ingest.extract.metadata import structured_facts
        return structured_facts(doc, Extraction(doc.id, list(entities.values()), rels))

    def extract_many(self, docs: Iterable[Document], workers: int = 1, batch_size: int = 128):
        """Yield one Extraction per document, in order; a failing document yields an
        empty Extraction with ``error`` set."""
        if workers <= 1:
            batch: list[Document] = []
            for d in docs:
                batch.append(d)
                if len(batch) >= batch_size:
                    yield from self._extract_batch(batch)
                    batch = []
            if batch:
                yield from self._extract_batch(batch)
            return
        docs = list(docs)
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(self.options,)) as pool:
            chunk = max(1, len(docs) // (workers * 4))
            yield from pool.map(_work, docs, chunksize=chunk)

    def _safe(self, d: Document) -> Extraction:
        try:
            return self.extract(d)
        except ExtractionError as exc:
            return Extraction(d.id, error=str(exc))


_WORKER: Extractor | None = None


def _init_worker(options: dict):
    global _WORKER
    _WORKER = Extractor(**options)


def _work(d: Document) -> Extraction:
    return _WORKER._safe(d)
