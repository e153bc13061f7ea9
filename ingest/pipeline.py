"""The ingest pipeline: sources → extract → resolve → load, with bookkeeping.

Guarantees (tested in tests/test_ingest_*.py):
- idempotent: a document whose content hash and extractor version are already
  loaded is skipped; a changed document (or a newer extractor) has the facts it
  supported retracted and reloaded, leaving other sources' facts alone;
- nothing lost: a document that cannot be read or extracted is quarantined with
  its reason and the batch goes on;
- crash-safe: a source is marked 'loading' before its facts are written and
  'done' after, under a store-level ingest lock; every chunk first retracts every
  half-load a killed run left (whatever documents this run brings), so re-running
  after a kill converges to a clean run;
- one writer at a time: concurrent ingests on one store take turns per chunk, and
  a chunk's documents are looked at again once the lock is held (another ingest may
  have loaded them meanwhile);
- a chunk is read and extracted whole before any of it is written (its quarantine
  entries included), so ``before_write`` can still stop it with nothing written;
- curated: every active curation (kg.curation) is applied again after each chunk;
- staged (``stage``, ingest/stage.py): a chunk's extractions are written as Parquet
  before any of it is loaded, so a stage holds whatever its run loaded.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from kg.curation import apply_all as apply_curations
from kg.errors import MlkgError
from kg.models import Document
from kg.store import GraphStore
from ingest.extract import EXTRACTOR_VERSION
from ingest.load import build_batch, resolve_against_graph

MAX_DOC_CHARS = 5_000_000  # larger "documents" are dumps or binaries, not items
MAX_PAYLOAD_CHARS = 200_000  # what quarantine keeps of a document for `retry`


@dataclass
class IngestReport:
    documents: int = 0
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    entities: int = 0
    relations: int = 0
    errors: int = 0
    empty: int = 0  # files and documents with no text (each also a quarantine entry)
    quarantined: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def merge(self, other: "IngestReport") -> None:
        for key in ("documents", "loaded", "replaced", "unchanged", "entities", "relations",
                    "errors", "empty"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.quarantined.extend(other.quarantined)


Progress = Callable[[IngestReport], None]


class Ingestor:
    """Loads documents into a store. One instance per run; not thread-safe."""

    def __init__(self, store: GraphStore, extractor=None, *, workers: int = 1,
                 batch_docs: int = 200, on_progress: Progress | None = None,
                 before_write: Callable[[], None] | None = None, executor=None,
                 stage=None):
        """``before_write``: called once a chunk is read and extracted, before anything
        of it is written (quarantine entries included); it may raise to stop the run
        with nothing of that chunk written (the API's per-request time budget)."""
        self.store = store
        self.before_write = before_write
        self._deferred: list[dict] = []  # a chunk's quarantine entries, written with it
        self._extractor = extractor
        self.workers = workers
        # None: extraction here (``workers`` processes); else an object whose
        # ``extract_chunks(chunks, wanted)`` yields ``(chunk, extractions)`` (e.g.
        # ingest.ray_executor.RayExecutor): what it brings is loaded exactly as here
        self.executor = executor
        # an ingest.stage.StageWriter: each chunk's extractions are staged before it loads
        self.stage = stage
        self.batch_docs = batch_docs
        self.on_progress = on_progress
        self.report = IngestReport()
        # the path or URL the operator asked this run to read, while it is being read:
        # the only origin `kg quarantine retry` may read or fetch again (a document's
        # own ``origin`` field is data, never followed)
        self._reading: str | None = None

    @property
    def extractor(self):
        if self._extractor is None:  # spaCy loads only when there is work to do
            from ingest.extract.pipeline import Extractor
            self._extractor = Extractor()
        return self._extractor

    # -- entry points ------------------------------------------------------------------
    def ingest_documents(self, docs: Iterable[Document]) -> IngestReport:
        return self.ingest_chunks(_chunks(docs, self.batch_docs))

    def ingest_chunks(self, chunks: Iterable[list[Document]]) -> IngestReport:
        """Documents already cut into chunks (``kg load-stage``: a staged run's chunks
        as they were loaded, since a chunk is resolved as one batch)."""
        staged = (((chunk, None) for chunk in chunks) if self.executor is None
                  else self.executor.extract_chunks(chunks, self.wanted))
        for chunk, extracted in staged:
            self._ingest_chunk(chunk, extracted)
            if self.on_progress:
                self.on_progress(self.report)
        return self.report

    def ingest_paths(self, paths: Iterable[str]) -> IngestReport:
        """Each file is read on its own (a folder's files one by one): a file that
        cannot be read is quarantined with its reason and the others are loaded."""
        from ingest.sources import files_of, read_path
        for given in paths:
            for file, refusal in files_of(given):
                path = str(file)
                if refusal:
                    self.quarantine(path, origin=path, reason=refusal, stage="read")
                    continue

                line_errors = []

                def on_error(line_no: int, reason: str, _path=path) -> None:
                    line_errors.append(line_no)
                    self.quarantine(f"{_path}:{line_no}", origin=_path, reason=reason,
                                    stage="read")
                self._reading = path
                read = _Counted(read_path(path, on_error=on_error))
                try:
                    self.ingest_documents(read)
                    if not read.count and not line_errors:  # not silently 0 documents
                        self.report.empty += 1
                        self.quarantine(path, origin=path, reason=_why_empty(file),
                                        stage="read")
                except MlkgError as exc:
                    self.quarantine(path, origin=path, reason=str(exc), stage="read")
                finally:
                    self._reading = None
        return self.report

    def ingest_stream(self, origin: str, docs: Iterable[Document]) -> IngestReport:
        """Documents from a source that may fail part-way (an API, a harvest): what
        arrived is loaded, and the failure is quarantined under ``origin``."""
        try:
            self.ingest_documents(docs)
        except MlkgError as exc:
            self.quarantine(origin, origin=origin, reason=str(exc), stage="fetch")
        return self.report

    def ingest_urls(self, urls: Iterable[str], client) -> IngestReport:
        from ingest.sources import read_url
        for url in urls:
            self._reading = url
            try:
                try:
                    docs = read_url(url, client)
                except MlkgError as exc:
                    self.quarantine(url, origin=url, reason=str(exc), stage="fetch")
                    continue
                self.ingest_documents(docs)
            finally:
                self._reading = None
        return self.report

    def quarantine(self, item_id: str, *, origin: str, reason: str, stage: str,
                   payload: str = "", defer: bool = False) -> None:
        if defer:  # kept until the chunk is written (see ``before_write``)
            self._deferred.append({"item_id": item_id, "origin": origin, "reason": reason,
                                   "stage": stage, "payload": payload})
            return
        self.store.quarantine(item_id, origin=origin, reason=reason, stage=stage,
                              payload=payload[:MAX_PAYLOAD_CHARS], refetch=self._reading)
        self.report.errors += 1
        self.report.quarantined.append({"id": item_id, "reason": reason, "stage": stage})

    # -- one chunk ---------------------------------------------------------------------
    def _recover(self) -> None:
        """Retract every half-loaded source (status 'loading': its writer died, since
        writers hold the ingest lock from 'loading' to 'done'), whichever documents
        this run brings, so each chunk is resolved against the graph a clean run would
        have had — not one still holding facts of documents that come later."""
        for source_id in self.store.half_loaded():
            self.store.retract_source(source_id)
            self.store.mark_retracted(source_id)

    def wanted(self, docs: list[Document]) -> list[bool]:
        """Which documents of a chunk the store does not hold yet as they are (valid,
        and not loaded with this content and extractor): what an executor extracts
        ahead of ``_ingest_chunk``, which decides again when the chunk is loaded."""
        state = self.store.source_state([d.id for d in docs if d.id])
        return [_invalid_reason(d) is None and not _unchanged(state.get(d.id), d)
                for d in docs]

    def _ingest_chunk(self, docs: list[Document],
                      extracted: list | None = None) -> None:
        # extractions made ahead (by an executor), by document object
        ahead = {id(d): e for d, e in zip(docs, extracted or ()) if e is not None}
        self.report.documents += len(docs)
        docs = self._valid(docs)
        todo = self._to_load(docs)
        pairs = []
        if todo:
            extractions = self._extract(todo, ahead)
            if self.stage is not None:
                self.stage.write(todo, extractions)
            for doc, extraction in zip(todo, extractions):
                if extraction.error:
                    self.quarantine(doc.id, origin=doc.origin or doc.url or doc.id,
                                    reason=extraction.error, stage="extract",
                                    payload=_payload(doc), defer=True)
                    continue
                pairs.append((doc, extraction))
        if self.before_write is not None:
            self.before_write()
        deferred, self._deferred = self._deferred, []
        for entry in deferred:
            self.quarantine(entry.pop("item_id"), **entry)
        if not pairs:
            return
        with self.store.ingest_lock():  # one writer per store, from 'loading' to 'done'
            self._recover()
            # looked at again under the lock: another ingest may have loaded some of
            # these documents while this one extracted them; loading them again would
            # resolve them against their own facts (not what a serial run does)
            current = {d.id for d in self._to_load([d for d, _ in pairs])}
            pairs = [(d, e) for d, e in pairs if d.id in current]
            if not pairs:
                return
            ids = [doc.id for doc, _ in pairs]
            replace = list(self.store.source_state(ids))  # known before: their facts go
            self.store.mark_loading(ids)
            for source_id in replace:
                if source_id in ids:
                    self.store.retract_source(source_id)
            batch = resolve_against_graph(build_batch(pairs), self.store)
            self.store.upsert(batch)
            # curation outranks the extractor: what this load brought back is curated again
            apply_curations(self.store)
            self.store.mark_done([{"id": doc.id, "content_hash": doc.content_hash,
                                   "extractor_version": EXTRACTOR_VERSION}
                                  for doc, _ in pairs])
        self.report.loaded += len(pairs) - len([i for i in replace if i in ids])
        self.report.replaced += len([i for i in replace if i in ids])
        self.report.entities += len(batch.entities)
        self.report.relations += len(batch.relations)

    def _to_load(self, docs: list[Document]) -> list[Document]:
        """The documents not loaded yet in this content and extractor version; the
        others count as unchanged."""
        state = self.store.source_state([d.id for d in docs])
        todo = []
        for doc in docs:
            if _unchanged(state.get(doc.id), doc):
                self.report.unchanged += 1
                continue
            todo.append(doc)
        return todo

    def _extract(self, todo: list[Document], ahead: dict) -> list:
        """Extractions of ``todo`` in order: those made ahead, the rest here (all of
        them on the local path; on an executor's only a document the store changed
        under it since it was planned, e.g. by another writer)."""
        missing = [d for d in todo if id(d) not in ahead]
        here = iter(self.extractor.extract_many(missing, workers=self.workers)
                    if missing else ())
        return [ahead[id(d)] if id(d) in ahead else next(here) for d in todo]

    def _valid(self, docs: list[Document]) -> list[Document]:
        good = []
        for doc in docs:
            reason = _invalid_reason(doc)
            if reason == "document has no text":
                self.report.empty += 1
            if reason:
                self.quarantine(doc.id or f"{doc.origin}:?", origin=doc.origin or doc.url or "",
                                reason=reason, stage="validate",
                                payload="" if "NUL" in reason else _payload(doc), defer=True)
            else:
                good.append(doc)
        return good


class _Counted:
    """An iterable that counts what it yields."""

    def __init__(self, items: Iterable):
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator:
        for item in self.items:
            self.count += 1
            yield item


def _why_empty(path) -> str:
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    if not size:
        return "no documents: the file is empty"
    return f"no documents: no text found in its {size:,} bytes (markup or whitespace only?)"


def _invalid_reason(doc: Document) -> str | None:
    if not doc.id:
        return "document has no id"
    if not (doc.text or "").strip() and not (doc.title or "").strip():
        return "document has no text"
    if len(doc.text) > MAX_DOC_CHARS:
        return f"document is {len(doc.text):,} characters (limit {MAX_DOC_CHARS:,})"
    if "\x00" in doc.text:
        return "document text contains NUL bytes (binary data?)"
    return None


def _unchanged(known: dict | None, doc: Document) -> bool:
    return bool(known) and known.get("status") == "done" \
        and known.get("content_hash") == doc.content_hash \
        and known.get("extractor_version") == EXTRACTOR_VERSION


def _payload(doc: Document) -> str:
    """What `kg quarantine retry` needs to try a document again."""
    data = {"id": doc.original_id or doc.id, "kind": doc.kind, "text": doc.text,
            "title": doc.title, "url": doc.url, "published": doc.published,
            "arxiv_id": doc.arxiv_id, "authors": doc.authors, "categories": doc.categories,
            "origin": doc.origin}
    text = json.dumps(data, ensure_ascii=False)
    return text if len(text) <= MAX_PAYLOAD_CHARS else ""


def document_from_payload(payload: str) -> Document:
    return Document.from_dict(json.loads(payload), strict=False)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
