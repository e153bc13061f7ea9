"""Staged extractions: ``kg ingest --stage DIR`` and ``kg load-stage DIR``.

With ``--stage`` every extraction a run loads is also written as Parquet, so that
extraction (e.g. on a Ray cluster) and loading can be separated:

    DIR/<run>/_run.json              the run: id, started, finished, complete, counts
    DIR/<run>/part-000000.parquet    one file per loaded chunk, in load order

A row is one document: the document itself (all it was read with: text, title,
arXiv fields, links, …, so the load step can rebuild its Source node, metadata facts
and snippets), its provenance (``doc_id``, ``source`` — the file, feed or query it
came from —, ``content_hash``, ``extractor``, ``extractor_version``, ``run_id``,
``staged_at``), and its extraction as nested columns (``entities``: label, name,
aliases, props as JSON; ``relations``: type, head and tail refs, evidence). An
extraction that failed keeps its ``error`` and is quarantined again on loading.

A chunk is staged before it is written to the store, each file atomically (a
temporary name, then a rename): whatever a run loaded is in its stage, even after
a kill -9. ``kg load-stage`` reads the runs in the order they started and hands each
file's documents with their extractions to the ingest pipeline in place of the
extractor, so loading is the local path's own (same idempotency, quarantine, lock
and crash recovery; loading a stage twice changes nothing).

pyarrow (the ``ray`` extra) is imported only here and only when a stage is used.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from kg.errors import ConfigError
from kg.models import INPUT_FIELDS, Document, Entity, EntityRef, Evidence, Relation
from ingest.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, Extraction

STAGE_FORMAT = 1
RUN_FILE = "_run.json"


def import_pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("a stage (--stage, kg load-stage) needs pyarrow: "
                          "pip install 'mlkg[ray]'; ingesting without a stage needs "
                          "nothing more") from exc
    return pa, pq


def _schema(pa):
    text = pa.string()
    entity = pa.struct([("label", text), ("name", text), ("aliases", pa.list_(text)),
                        ("props", text)])
    relation = pa.struct([
        ("type", text), ("head_label", text), ("head_key", text), ("head_name", text),
        ("tail_label", text), ("tail_key", text), ("tail_name", text),
        ("evidence_source", text), ("sentence", text), ("extractor", text),
        ("extractor_version", text), ("confidence", pa.float64())])
    return pa.schema([
        # provenance
        ("run_id", text), ("seq", pa.int64()), ("doc_id", text), ("original_id", text),
        ("source", text), ("content_hash", text), ("extractor", text),
        ("extractor_version", text), ("staged_at", pa.timestamp("us", tz="UTC")),
        # the document as read
        ("kind", text), ("title", text), ("url", text), ("published", text),
        ("updated", text), ("arxiv_id", text), ("doi", text), ("reader", text),
        ("repository", text), ("authors", pa.list_(text)), ("categories", pa.list_(text)),
        ("links", pa.list_(pa.struct([("url", text), ("text", text)]))),
        ("text", pa.large_string()),      # a document may be megabytes
        # the extraction
        ("error", text), ("entities", pa.list_(entity)), ("relations", pa.list_(relation)),
    ])


def _row(run_id: str, seq: int, doc: Document, extraction: Extraction,
         at: datetime) -> dict:
    return {
        "run_id": run_id, "seq": seq, "doc_id": doc.id, "original_id": doc.original_id,
        "source": doc.origin, "content_hash": doc.content_hash, "extractor": EXTRACTOR_NAME,
        "extractor_version": EXTRACTOR_VERSION, "staged_at": at,
        "kind": doc.kind, "title": doc.title, "url": doc.url, "published": doc.published,
        "updated": doc.updated, "arxiv_id": doc.arxiv_id, "doi": doc.doi,
        "reader": doc.reader, "repository": doc.repository, "authors": list(doc.authors),
        "categories": list(doc.categories),
        "links": [{"url": link.url, "text": link.text} for link in doc.links],
        "text": doc.text, "error": extraction.error,
        "entities": [{"label": str(e.label), "name": e.name, "aliases": list(e.aliases),
                      "props": json.dumps(e.props, ensure_ascii=False, sort_keys=True)}
                     for e in extraction.entities],
        "relations": [{
            "type": str(r.type), "head_label": str(r.head.label), "head_key": r.head.key,
            "head_name": r.head.name, "tail_label": str(r.tail.label),
            "tail_key": r.tail.key, "tail_name": r.tail.name,
            "evidence_source": r.evidence.source_id, "sentence": r.evidence.sentence,
            "extractor": r.evidence.extractor,
            "extractor_version": r.evidence.extractor_version,
            "confidence": float(r.evidence.confidence)} for r in extraction.relations],
    }


def _document(row: dict) -> Document:
    """The staged document, through the one parser of document objects."""
    fields = {name: row[name] for name in INPUT_FIELDS if name not in {"id", "origin"}}
    doc = Document.from_dict({**fields, "id": row["original_id"] or row["doc_id"],
                              "origin": row["source"]}, strict=False)
    doc.reader = row["reader"]
    return doc


def _ref(row: dict, end: str) -> EntityRef:
    return EntityRef(row[f"{end}_label"], row[f"{end}_key"], row[f"{end}_name"] or "")


def _extraction(row: dict) -> Extraction:
    entities = [Entity(e["label"], e["name"], list(e["aliases"] or ()),
                       json.loads(e["props"]) if e["props"] else {})
                for e in row["entities"] or ()]
    relations = [Relation(r["type"], _ref(r, "head"), _ref(r, "tail"),
                          Evidence(r["evidence_source"], r["sentence"], r["extractor"],
                                   r["extractor_version"], r["confidence"]))
                 for r in row["relations"] or ()]
    return Extraction(row["doc_id"], entities, relations, row["error"])


def staged_pair(row: dict) -> tuple[Document, Extraction]:
    """A row back as the (document, extraction) the run loaded. A row whose document
    no longer matches its id or content hash (edited after staging) comes back with an
    extraction error, so loading quarantines it instead of trusting it."""
    doc = _document(row)
    if doc.id != row["doc_id"] or doc.content_hash != row["content_hash"]:
        return doc, Extraction(doc.id, error="staged row does not match its content hash "
                                             "(changed after it was staged?)")
    return doc, _extraction(row)


def run_dir_name(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", run_id)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class StageWriter:
    """Writes one run's extractions under ``root``; use as a context manager."""

    def __init__(self, root: str | os.PathLike, run_id: str, *, executor: str = "local"):
        self.pa, self.pq = import_pyarrow()
        self.schema = _schema(self.pa)
        self.root = Path(root)
        self.run_id = run_id
        self.dir = self.root / run_dir_name(run_id)
        self.info = {"format": STAGE_FORMAT, "run_id": run_id, "executor": executor,
                     "extractor": EXTRACTOR_NAME, "extractor_version": EXTRACTOR_VERSION,
                     # to the microsecond: kg load-stage loads runs in this order
                     "started": _now().isoformat(), "finished": None,
                     "complete": False, "documents": 0, "parts": 0}

    def __enter__(self) -> "StageWriter":
        if self.root.exists() and not self.root.is_dir():
            raise ConfigError(f"--stage {self.root}: not a directory")
        # the owner's alone, like a store: it holds the documents' text
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.dir.mkdir(mode=0o700, exist_ok=False)
        _write_json(self.dir / RUN_FILE, self.info)
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        self.info.update(finished=_now().isoformat(),
                         complete=exc_type is None)
        _write_json(self.dir / RUN_FILE, self.info)

    def write(self, docs: list[Document], extractions: list[Extraction]) -> None:
        """Stage one chunk (before it is loaded): one Parquet file, renamed into place
        once whole, so a killed run leaves whole files only."""
        if not docs:
            return
        at, first = _now(), self.info["documents"]
        rows = [_row(self.run_id, first + i, doc, extraction, at)
                for i, (doc, extraction) in enumerate(zip(docs, extractions, strict=True))]
        table = self.pa.Table.from_pylist(rows, schema=self.schema)
        path = self.dir / f"part-{self.info['parts']:06d}.parquet"
        tmp = path.with_name(path.name + ".tmp")
        self.pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
        self.info["documents"] += len(rows)
        self.info["parts"] += 1


def _now() -> datetime:
    return datetime.now(timezone.utc)


def stage_runs(root: str | os.PathLike, run_ids: Iterable[str] = ()) -> list[dict]:
    """The runs staged under ``root`` (their ``_run.json`` plus ``dir`` and ``parts``),
    in the order they started; only ``run_ids`` when given. A stage made by another
    extractor version or format is refused: its facts would be recorded as this
    version's."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"no stage at {root}: not a directory")
    runs = []
    # DIR, or one run's folder in it
    found = [root / RUN_FILE] if (root / RUN_FILE).is_file() else root.glob(f"*/{RUN_FILE}")
    for info_path in sorted(found):
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{info_path}: unreadable ({exc})") from exc
        if info.get("format") != STAGE_FORMAT:
            raise ConfigError(f"{info_path}: stage format {info.get('format')!r}, this "
                              f"mlkg reads {STAGE_FORMAT}")
        info["dir"] = info_path.parent
        info["parts"] = sorted(info_path.parent.glob("part-*.parquet"))
        runs.append(info)
    wanted = list(run_ids)
    if wanted:
        known = {r["run_id"] for r in runs}
        if missing := [r for r in wanted if r not in known]:
            raise ConfigError(f"no staged run {', '.join(missing)} under {root}")
        runs = [r for r in runs if r["run_id"] in wanted]
    if not runs:
        raise ConfigError(f"no staged runs under {root} (expected <run>/{RUN_FILE})")
    runs.sort(key=lambda r: (r.get("started") or "", r["run_id"]))
    _, pq = import_pyarrow()
    for run in runs:
        run["rows"] = 0
        for part in run["parts"]:
            # every file is checked before anything is loaded
            try:
                column = pq.read_table(part, columns=["extractor_version"])
            except Exception as exc:  # noqa: BLE001 — pyarrow raises several kinds
                raise ConfigError(f"{part}: not a readable stage file ({exc})") from exc
            run["rows"] += column.num_rows
            versions = set(column.column("extractor_version").to_pylist())
            if versions - {EXTRACTOR_VERSION}:
                raise ConfigError(
                    f"{part}: extracted by {EXTRACTOR_NAME} "
                    f"{', '.join(sorted(map(str, versions - {EXTRACTOR_VERSION})))}, this mlkg "
                    f"has {EXTRACTOR_VERSION}: ingest the documents again instead")
    return runs


class StageReader:
    """Stands in for an extraction executor (``Ingestor(executor=…)``): ``chunks()``
    gives the staged documents, a file (one chunk of the run, resolved together as
    it was then) at a time, and ``extract_chunks`` hands their extractions back, so
    the pipeline loads them without extracting anything."""

    def __init__(self, parts: Iterable[Path]):
        self.parts = list(parts)
        self._ahead: dict[int, Extraction] = {}

    def chunks(self) -> Iterator[list[Document]]:
        _, pq = import_pyarrow()
        for part in self.parts:
            chunk = []
            for row in pq.read_table(part).to_pylist():
                doc, extraction = staged_pair(row)
                self._ahead[id(doc)] = extraction
                chunk.append(doc)
            yield chunk

    def extract_chunks(self, chunks, wanted=None) -> Iterator[tuple[list[Document], list]]:
        for chunk in chunks:
            yield chunk, [self._ahead.pop(id(doc), None) for doc in chunk]
