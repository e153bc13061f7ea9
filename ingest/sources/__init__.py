"""Sources: turn files, URLs, feeds, mailboxes and arXiv into :class:`kg.models.Document`.

    read_path(path, *, on_error=None) -> Iterator[Document]
    read_url(url, client) -> list[Document]

``read_path`` dispatches on the file type: a folder is walked (sorted; hidden
files, ``LICENSE*``/``COPYING*`` and unknown suffixes skipped); ``.txt``/``.md``/
``.mdx`` → newsletter; ``.html``/``.htm`` → HTML newsletter; ``.xml``/``.rss``/
``.atom`` → arXiv API Atom, OAI-PMH or RSS/Atom feed (sniffed); ``.mbox``/
``.eml`` → mail; ``.jsonl``/``.json`` → our docs JSONL (``{"id","kind","text",…}``,
extra fields ignored) or the Kaggle arXiv snapshot, sniffed from the first line.

Line-level problems in JSONL (bad JSON, missing fields) are reported through
``on_error(line_no, reason)`` and skipped (logged as warnings without a
callback). Whole-file problems raise SourceError / MalformedDocument.
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from ingest.sources import arxiv_api, arxiv_oai, arxiv_snapshot, feeds, mail, newsletter
from ingest.sources._http import check_status, get
from kg.errors import MalformedDocument, SourceError
from kg.models import Document

__all__ = ["read_path", "read_url", "read_docs_jsonl"]

log = logging.getLogger(__name__)
OnError = Callable[[int, str], None]

NEWSLETTER_SUFFIXES = {".txt", ".text", ".md", ".mdx", ".markdown", ".html", ".htm", ".xhtml"}
XML_SUFFIXES = {".xml", ".rss", ".atom"}
MAIL_SUFFIXES = {".mbox", ".eml"}
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
KNOWN_SUFFIXES = NEWSLETTER_SUFFIXES | XML_SUFFIXES | MAIL_SUFFIXES | JSONL_SUFFIXES
_SOURCE_REPO = re.compile(r"^\s*([\w.-]+/[\w.-]+)\s+@")


def files_of(path: str | os.PathLike) -> Iterator[tuple[Path, str | None]]:
    """The files a path stands for, each with the reason it is refused (or None): the
    path itself, or a folder's files of known types, recursively (hidden files and
    licences skipped). A link that leads out of the folder is refused — "data/x.txt"
    pointing at /etc/passwd or /dev/zero is not part of the input."""
    path = Path(path)
    if not path.is_dir():
        yield path, None
        return
    root = path.resolve()
    for child in sorted(path.iterdir()):
        name = child.name
        if name.startswith(".") or name.upper().startswith(("LICENSE", "COPYING")):
            continue
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            yield child, "a link out of the input folder: not read"
        elif child.is_dir():
            yield from files_of(child)
        elif child.suffix.lower() in KNOWN_SUFFIXES:
            yield child, None


def read_path(path: str | os.PathLike, *, on_error: OnError | None = None) -> Iterator[Document]:
    """Documents from a file or a folder (recursively; ``files_of`` says which files,
    and a refused one is logged and skipped)."""
    path = Path(path)
    if path.is_dir():
        for child, refusal in files_of(path):
            if refusal:
                log.warning("%s: %s", child, refusal)
            else:
                yield from read_path(child, on_error=on_error)
        return
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if not path.is_file():      # a FIFO would block for ever, a device never end
        raise SourceError(f"{path}: not a regular file (a pipe, device or socket): not read")
    suffix = path.suffix.lower()
    if suffix in NEWSLETTER_SUFFIXES:
        yield from newsletter.read_newsletter(path)
    elif suffix in MAIL_SUFFIXES:
        yield from mail.read_mail(path)
    elif suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, on_error=on_error)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc}") from exc
        if suffix in XML_SUFFIXES or feeds.looks_like_feed(data) or data.lstrip().startswith(b"<?xml"):
            yield from read_xml(data, origin=str(path))
        else:
            raise SourceError(f"{path}: unsupported file type {suffix or '(no suffix)'!r}")


def read_xml(data: bytes, *, origin: str | None = None) -> list[Document]:
    """An OAI-PMH response, an arXiv API Atom response, or any RSS/Atom feed."""
    newsletter.decode_bytes(data, source=origin, html=True)
    head = data[:4096]
    if b"<OAI-PMH" in head:
        return arxiv_oai.parse_records(data, origin=origin).documents
    if b"http://arxiv.org/schemas/atom" in head and b"<feed" in head:
        return arxiv_api.parse_feed(data, origin=origin).documents
    return feeds.parse_feed(data, origin=origin)


def _json(raw: bytes):
    """``json.loads`` of UTF-8 bytes; nesting deeper than Python's recursion limit is a
    ``json.JSONDecodeError`` like any other bad JSON (it was a RecursionError that
    ended the whole run)."""
    text = raw.decode("utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _report(on_error: OnError | None, origin: str, line_no: int, reason: str) -> None:
    if on_error is not None:
        on_error(line_no, reason)
    else:
        log.warning("%s:%d: %s", origin, line_no, reason)


def _read_jsonl(path: Path, *, on_error: OnError | None) -> Iterator[Document]:
    try:
        with path.open("rb") as fh:
            first = b""
            for raw in fh:
                if raw.strip():
                    first = raw
                    break
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc}") from exc
    if not first:
        return
    if b"\x00" in first:
        raise MalformedDocument("binary file (contains NUL bytes), not JSON lines", source=str(path))
    try:
        record = _json(first)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if path.suffix.lower() == ".json":
            yield from _read_json_document(path)
            return
        raise MalformedDocument(f"first line is not a JSON object: {exc}", source=str(path)) from exc
    if arxiv_snapshot.looks_like_snapshot(record):
        yield from arxiv_snapshot.read_snapshot(path, on_error=on_error)
    elif isinstance(record, dict) and {"id", "text"} <= record.keys():
        yield from read_docs_jsonl(path, on_error=on_error)
    else:
        keys = sorted(record)[:8] if isinstance(record, dict) else type(record).__name__
        raise MalformedDocument(f"unknown JSON lines format (first line has {keys})", source=str(path))


def _read_json_document(path: Path) -> Iterator[Document]:
    """A whole-file ``.json``: a recorded HTTP response ``{"url", "status_code",
    "body"}`` (as in tests/fixtures/arxiv-api) is read as the XML it holds."""
    try:
        record = _json(path.read_bytes())
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDocument(f"not JSON or JSON lines: {exc}", source=str(path)) from exc
    if isinstance(record, dict) and isinstance(record.get("body"), str) and "url" in record:
        yield from read_xml(record["body"].encode("utf-8"), origin=str(record["url"]))
        return
    raise MalformedDocument("unknown JSON format (expected JSON lines or a recorded response)",
                            source=str(path))


def read_docs_jsonl(path: str | os.PathLike, *, on_error: OnError | None = None,
                    default_kind: str = "docs") -> Iterator[Document]:
    """Our eval/docs JSONL: ``{"id", "kind", "text", ...}`` per line; the Document
    fields present (title, url, published, arxiv_id, doi, updated, origin,
    authors, categories, links) are kept, any other field is ignored."""
    path = Path(path)
    origin = str(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise SourceError(f"{path}: cannot open: {exc}") from exc
    with fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = _json(raw)
            except UnicodeDecodeError as exc:
                _report(on_error, origin, line_no, f"not valid UTF-8 at column {exc.start}")
                continue
            except json.JSONDecodeError as exc:
                _report(on_error, origin, line_no, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("id"), (str, int)) \
                    or not isinstance(record.get("text"), (str, type(None))):
                _report(on_error, origin, line_no, "line needs an 'id' and a string 'text'")
                continue
            try:  # a missing text is an empty document: it still answers for its id
                doc = Document.from_dict(record, strict=False, default_kind=default_kind)
            except MalformedDocument as exc:
                _report(on_error, origin, line_no, exc.reason)
                continue
            doc.origin = doc.origin or f"{origin}:{line_no}"
            doc.reader = "jsonl"
            if doc.repository is None:  # our corpora: "source": "owner/repo @ commit : path"
                slug = _SOURCE_REPO.match(str(record.get("source") or ""))
                if slug:
                    doc.repository = slug.group(1)
            yield doc


def read_url(url: str, client: httpx.Client, *, retries: int = 2, sleep=None) -> list[Document]:
    """Fetch an http(s) newsletter page or feed. 4xx/5xx → SourceError."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http(s) URLs can be read")
    kwargs = {"sleep": sleep} if sleep is not None else {}
    response = get(client, url, retries=retries, **kwargs)
    check_status(response)
    final = str(response.url)
    data = response.content
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                 "application/rdf+xml") or (not ctype.endswith("html") and feeds.looks_like_feed(data)):
        return read_xml(data, origin=final)
    if ctype in ("text/markdown", "text/x-markdown"):
        fmt = "markdown"
    elif ctype == "text/plain":
        fmt = newsletter.detect_format(newsletter.decode_bytes(data, source=final), final)
    else:
        fmt = "html"
    return newsletter.read_newsletter(data, fmt=fmt, url=final, origin=final)
