"""Extraction on Ray (``kg ingest --executor ray[=ADDRESS]``).

The driver reads the sources and cuts them into the pipeline's chunks, as on the
local path; a window of chunks at a time, the documents the store does not hold yet
go through a Ray Data ``map_batches`` over :class:`ExtractActor` — a stateful actor
that builds the spaCy pipeline once and runs ``nlp.pipe`` over each batch (through
``Extractor.extract_many``, the local path's own code). The extractions come back as
:class:`~ingest.extract.Extraction` objects and each chunk is handed back, in order,
to ``Ingestor._ingest_chunk``, which validates, quarantines, resolves and loads it
exactly as locally (same idempotency, ingest lock and crash recovery). A chunk is
loaded as soon as its documents are back, while the actors go on with later ones.

Ray is an optional extra (``pip install mlkg[ray]``), imported only here and only
when this executor is used.
"""
from __future__ import annotations

import logging
import math
import pickle
from collections.abc import Callable, Iterable, Iterator

from kg.errors import ConfigError
from kg.models import Document

# documents per Ray Data run: the actors (and their spaCy pipelines) are made once
# per window, so a window is large; its pickled documents sit in the object store
WINDOW_DOCS = 20_000
BATCH_DOCS = 32                       # documents per ``nlp.pipe`` call in an actor
LOCAL_OBJECT_STORE_BYTES = 256 * 2**20   # a local Ray's object store: documents are small


def import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ConfigError("--executor ray needs Ray: pip install 'mlkg[ray]' "
                          "(ray[data]); the default local executor needs nothing more") from exc
    return ray


def parse_executor(spec: str) -> tuple[str, str | None]:
    """``local`` → ("local", None); ``ray`` → ("ray", None) (a local Ray started for
    the run); ``ray=ray://head:10001`` or ``ray=auto`` → ("ray", address)."""
    name, _, address = spec.partition("=")
    if name not in ("local", "ray") or (name == "local" and address) \
            or (name == "ray" and _ and not address):
        raise ConfigError(f"--executor {spec!r}: expected local, ray, or ray=ADDRESS "
                          "(ray://host:10001 or auto)")
    return name, address or None


class ExtractActor:
    """One Ray actor: the spaCy pipeline is built once, in ``__init__``."""

    def __init__(self, options: dict | None = None):
        from ingest.extract.pipeline import Extractor
        self.extractor = Extractor(**(options or {}))

    def __call__(self, batch: dict) -> dict:
        docs = [pickle.loads(b) for b in batch["doc"]]
        done = list(self.extractor.extract_many(docs, workers=1, batch_size=len(docs) or 1))
        return {"seq": batch["seq"],
                "extraction": [pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL)
                               for e in done]}


class RayExecutor:
    """Use as a context manager: it connects to ``address`` (``ray://…``, ``auto``) or
    starts a local Ray with ``concurrency`` CPUs, and shuts down only a Ray it started."""

    def __init__(self, address: str | None = None, *, concurrency: int = 2,
                 batch_docs: int = BATCH_DOCS, window_docs: int = WINDOW_DOCS,
                 object_store_bytes: int = LOCAL_OBJECT_STORE_BYTES,
                 extractor_options: dict | None = None):
        if concurrency < 1:
            raise ConfigError("--concurrency must be at least 1")
        self.address = address
        self.concurrency = concurrency
        self.batch_docs = batch_docs
        self.window_docs = window_docs
        self.object_store_bytes = object_store_bytes
        self.extractor_options = extractor_options or {}
        self._started = False
        self.ray = None

    def __enter__(self) -> "RayExecutor":
        self.ray = import_ray()
        if not self.ray.is_initialized():
            kwargs = {"include_dashboard": False, "log_to_driver": False,
                      "configure_logging": False}
            try:
                if self.address:
                    self.ray.init(address=self.address, **kwargs)
                else:
                    self.ray.init(num_cpus=self.concurrency,
                                  object_store_memory=self.object_store_bytes, **kwargs)
            except Exception as exc:  # noqa: BLE001 — Ray raises many kinds here
                raise ConfigError(f"could not start or reach Ray"
                                  f"{' at ' + self.address if self.address else ''}: "
                                  f"{type(exc).__name__}: {exc}") from exc
            self._started = True
        ctx = self.ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        # Ray Data's per-run INFO lines would interleave with kg's progress and summary
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._started:
            self.ray.shutdown()
            self._started = False

    # -- what Ingestor calls ----------------------------------------------------------
    def extract_chunks(self, chunks: Iterable[list[Document]],
                       wanted: Callable[[list[Document]], list[bool]]
                       ) -> Iterator[tuple[list[Document], list]]:
        window: list[list[Document]] = []
        size = 0
        for chunk in chunks:
            window.append(chunk)
            size += len(chunk)
            if size >= self.window_docs:
                yield from self._window(window, wanted)
                window, size = [], 0
        if window:
            yield from self._window(window, wanted)

    def _window(self, chunks: list[list[Document]], wanted) -> Iterator[tuple[list, list]]:
        # plan against the store as it is now; a document whose id came earlier in the
        # window is extracted too, since loading that one may change what it needs
        rows, where, seen = [], [], set()
        for ci, chunk in enumerate(chunks):
            for di, (doc, want) in enumerate(zip(chunk, wanted(chunk))):
                if want or (doc.id and doc.id in seen):
                    where.append((ci, di))
                    rows.append({"seq": len(rows),
                                 "doc": pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)})
                seen.add(doc.id)
        results = [[None] * len(chunk) for chunk in chunks]
        pending = [0] * len(chunks)
        for ci, _ in where:
            pending[ci] += 1
        next_chunk = 0
        for seq, extraction in self._run(rows):
            ci, di = where[seq]
            results[ci][di] = extraction
            pending[ci] -= 1
            while next_chunk < len(chunks) and pending[next_chunk] == 0:
                yield chunks[next_chunk], results[next_chunk]
                next_chunk += 1
        for ci in range(next_chunk, len(chunks)):
            yield chunks[ci], results[ci]

    def _run(self, rows: list[dict]) -> Iterator[tuple[int, object]]:
        """(seq, Extraction) for every row, in the order they finish."""
        if not rows:
            return
        ds = self.ray.data.from_items(
            rows, override_num_blocks=max(1, math.ceil(len(rows) / self.batch_docs)))
        out = ds.map_batches(ExtractActor, fn_constructor_kwargs={
                                 "options": self.extractor_options},
                             batch_size=self.batch_docs, batch_format="numpy",
                             compute=self.ray.data.ActorPoolStrategy(size=self.concurrency),
                             num_cpus=1)
        for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
            for seq, blob in zip(batch["seq"], batch["extraction"]):
                yield int(seq), pickle.loads(blob)
