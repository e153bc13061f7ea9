"""The Kaggle ``arxiv-metadata-oai-snapshot.json`` dump: one JSON object per line
(``id, submitter, authors, title, comments, journal-ref, doi, report-no,
categories, license, abstract, versions[{version, created}], update_date,
authors_parsed``). It is ~4 GB, so it is streamed line by line in binary and
never loaded whole (``.gz`` files are decompressed on the fly).

Malformed lines (bad JSON, not UTF-8, missing ``id``/``abstract``, not an arXiv
id) are *reported and skipped*: ``on_error(line_no, reason)`` is called with the
1-based line number; without a callback a warning is logged. The stream goes on.

    for doc in read_snapshot(path, categories="cs.", since="2024-01-01",
                             on_error=lambda n, why: print(n, why)):
        ...
"""
from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ingest.sources.arxiv_oai import _rfc2822_iso
from kg.errors import MalformedDocument, SourceError
from kg.keys import normalize_arxiv_id
from kg.models import Document

log = logging.getLogger(__name__)
OnError = Callable[[int, str], None]


def looks_like_snapshot(record: dict) -> bool:
    return isinstance(record, dict) and "id" in record and "abstract" in record and (
        "categories" in record or "versions" in record or "authors_parsed" in record)


def _authors(record: dict) -> list[str]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                last, first, suffix = (list(parts) + ["", "", ""])[:3]
                name = " ".join(p.strip() for p in (first, last, suffix) if p and p.strip())
                if name:
                    names.append(name)
        if names:
            return names
    from ingest.sources.arxiv_oai import _split_authors
    return _split_authors(record.get("authors") or "")


def record_to_document(record: dict, *, origin: str | None = None) -> Document:
    """One snapshot record → Document. Raises MalformedDocument (reason only)."""
    if not isinstance(record, dict):
        raise MalformedDocument("line is not a JSON object")
    raw_id = record.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise MalformedDocument("record has no 'id'")
    arxiv_id = normalize_arxiv_id(raw_id)
    if arxiv_id is None:
        raise MalformedDocument(f"'id' {raw_id!r} is not an arXiv id")
    abstract = record.get("abstract")
    if not isinstance(abstract, str):
        raise MalformedDocument("record has no 'abstract'")
    versions = record.get("versions") or []
    dates = [_rfc2822_iso(v.get("created", "")) for v in versions if isinstance(v, dict)]
    dates = [d for d in dates if d]
    doi = (record.get("doi") or "").split()
    return Document(
        id=f"arxiv:{arxiv_id}", kind="arxiv", text=" ".join(abstract.split()),
        title=" ".join((record.get("title") or "").split()) or None,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        published=dates[0] if dates else None,
        updated=record.get("update_date") or (dates[-1] if dates else None),
        arxiv_id=arxiv_id, authors=_authors(record),
        categories=(record.get("categories") or "").split(), doi=doi[0] if doi else None,
        origin=origin, reader="arxiv-snapshot",
    )


def _open(source: str | os.PathLike | BinaryIO) -> tuple[BinaryIO, str | None, bool]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            raw = path.open("rb")
        except OSError as exc:
            raise SourceError(f"{path}: cannot open: {exc}") from exc
        if path.suffix == ".gz":
            return gzip.open(raw), str(path), True  # type: ignore[return-value]
        return raw, str(path), True
    return source, getattr(source, "name", None), False


def read_snapshot(source: str | os.PathLike | BinaryIO, *,
                  categories: str | Iterable[str] | None = None, since: str | None = None,
                  on_error: OnError | None = None) -> Iterator[Document]:
    """Stream Documents from a snapshot file (path or binary file object).

    ``categories``: keep records with a category starting with this prefix (or
    any of these prefixes), e.g. ``"cs."`` or ``("cs.LG", "stat.ML")``.
    ``since``: keep records whose ``update_date`` (else first version date) is on
    or after this ISO date."""
    prefixes = (categories,) if isinstance(categories, str) else tuple(categories or ())
    stream, origin, owned = _open(source)
    report = on_error or (lambda n, why: log.warning("%s:%d: %s", origin or "<snapshot>", n, why))
    try:
        for line_no, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                report(line_no, f"not valid UTF-8: byte 0x{raw[exc.start:exc.start + 1].hex()} "
                                f"at column {exc.start}")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                report(line_no, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            except RecursionError:
                report(line_no, "invalid JSON: nested too deeply")
                continue
            try:
                doc = record_to_document(record, origin=f"{origin}:{line_no}" if origin else None)
            except MalformedDocument as exc:
                report(line_no, exc.reason)
                continue
            if prefixes and not any(c.startswith(p) for c in doc.categories for p in prefixes):
                continue
            if since and ((doc.updated or doc.published or "")[:10] < since):
                continue
            yield doc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SourceError(f"{origin or '<snapshot>'}: read failed: {exc}") from exc
    finally:
        if owned:
            stream.close()
