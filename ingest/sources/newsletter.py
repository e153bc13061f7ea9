"""Newsletter issues (plain text, Markdown/MDX, HTML) split into items.

An issue is cut into *blocks* (headings, paragraphs, bullets, code) by the
reader for its format — :mod:`ingest.sources.markdown` (Markdown and plain
text), :mod:`ingest.sources.html` (HTML, main content found by trafilatura) —
and the blocks are grouped here into *items*:

* a heading (Markdown ``#``/setext, HTML ``h1``–``h6``, a whole-bold line, or in
  plain text a short title line followed by a paragraph) opens a section; the
  paragraphs under it form one item whose title is the first heading and whose
  text starts with the headings;
* a list of substantial bullets or numbered entries (median ≥ 12 words, or every
  entry carries a link) gives one item per entry; a list of short bullets stays
  inside the section item it belongs to.

Links (:class:`~kg.models.Link`, anchor text and URL) are collected by the
readers and the markup is removed from the text.

Public surface (the helpers of the other modules are re-exported here)::

    split_items(text, *, fmt="text"|"markdown"|"html", base_url=None) -> list[Item]
    read_newsletter(path_or_text, *, fmt=None, issue_id=None, url=None,
                    published=None, origin=None) -> list[Document]
    items_to_documents(items, *, issue_id, url, published, origin) -> list[Document]
    decode_bytes(data, *, source=None, html=False) -> str
    detect_format(text, name=None) -> str
    parse_date(value) -> str | None;  parse_front_matter(text) -> (dict, str)
    html_metadata(root) -> dict;  issue_id_for(origin, text) -> str
"""
from __future__ import annotations

import hashlib
import os
import re
import statistics
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from ingest.sources.blocks import Block, Item
from ingest.sources.dates import parse_date, strip_date_line
from ingest.sources.html import html_blocks, html_metadata, parse_html
from ingest.sources.markdown import line_blocks, parse_front_matter, promote_text_headings
from ingest.sources.text import FORMATS, SUFFIX_FORMAT, decode_bytes, detect_format
from kg.errors import MalformedDocument
from kg.models import Document, Link

__all__ = ["FORMATS", "Block", "Item", "decode_bytes", "detect_format", "html_metadata",
           "issue_id_for", "items_to_documents", "parse_date", "parse_front_matter", "parse_html",
           "read_newsletter", "split_items"]


# ---------------------------------------------------------------- grouping

def _is_item_list(bullets: list[Block]) -> bool:
    words = [len(b.text.split()) for b in bullets]
    if statistics.median(words) >= 12:
        return True
    return len(bullets) >= 2 and all(b.links or b.title for b in bullets) and statistics.median(words) >= 4


def _group(blocks: list[Block]) -> list[Item]:
    items: list[Item] = []
    pending: list[Block] = []
    current: dict | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current["body"]:
            items.append(Item(len(items), current["title"], "\n".join(current["parts"]).strip(),
                              _dedupe(current["links"])))
        current = None

    def open_section() -> dict:
        nonlocal pending
        title = pending[0].text if pending else None
        section = {"title": title, "parts": [h.text for h in pending],
                   "links": [l for h in pending for l in h.links], "body": False}
        pending = []
        return section

    k = 0
    while k < len(blocks):
        block = blocks[k]
        if block.kind == "heading":
            close()
            pending.append(block)
            k += 1
            continue
        if block.kind == "bullet":
            run = [block]
            while k + 1 < len(blocks) and blocks[k + 1].kind == "bullet" and blocks[k + 1].group == block.group:
                k += 1
                run.append(blocks[k])
            k += 1
            if _is_item_list(run):
                close()
                pending = []  # section labels such as "Papers" head the list, not an item
                for b in run:
                    items.append(Item(len(items), b.title, b.text, _dedupe(b.links)))
            else:
                if current is None:
                    current = open_section()
                for b in run:
                    current["parts"].append(f"- {b.text}")
                    current["links"].extend(b.links)
                current["body"] = True
            continue
        if current is None:
            current = open_section()
        current["parts"].append(block.text)
        current["links"].extend(block.links)
        current["body"] = True
        k += 1
    close()
    return items


def _dedupe(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        if link.url not in seen or (not seen[link.url].text and link.text):
            seen[link.url] = link
    return list(seen.values())


def split_items(text: str, *, fmt: str = "text", base_url: str | None = None) -> list[Item]:
    """Split one issue into items. ``fmt`` is ``text``, ``markdown`` or ``html``.
    Markdown front matter is skipped (read it with :func:`parse_front_matter`)."""
    return _split(text, fmt=fmt, base_url=base_url)[0]


def _split(text: str, *, fmt: str, base_url: str | None = None) -> tuple[list[Item], dict[str, str]]:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    meta: dict[str, str] = {}
    if fmt == "html":
        blocks, meta = html_blocks(text, base_url)
    elif fmt == "markdown":
        meta, body = parse_front_matter(text)
        blocks = line_blocks(body, markdown=True)
    else:
        body, date_line = strip_date_line(text)
        if date_line:
            meta["date"] = date_line
        blocks = promote_text_headings(line_blocks(body, markdown=False))
    return _group(blocks), meta



# ---------------------------------------------------------------- documents

def _slug(text: str, limit: int = 48) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or "item"


def issue_id_for(origin: str | None, text: str) -> str:
    """A stable issue id: the file stem or URL path slug, else a content hash."""
    if origin:
        parts = urlsplit(origin)
        if parts.scheme in ("http", "https"):
            return _slug(parts.netloc + parts.path, 80)
        return _slug(Path(origin).name.split(".")[0] if Path(origin).suffix else Path(origin).name, 80)
    return "text-" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:10]


def items_to_documents(items: list[Item], *, issue_id: str, url: str | None, published: str | None,
                       origin: str | None, kind: str = "newsletter") -> list[Document]:
    docs = []
    for item in items:
        slug = _slug(item.title or " ".join(item.text.split()[:8]))
        docs.append(Document(id=f"{kind}:{issue_id}/{item.index + 1:02d}-{slug}", kind=kind,
                             text=item.text, title=item.title, url=url, published=published,
                             links=list(item.links), origin=origin))
    return docs


def _is_path_like(source) -> bool:
    if isinstance(source, os.PathLike):
        return True
    if isinstance(source, str) and "\n" not in source and len(source) < 4096:
        try:
            return Path(source).is_file()
        except OSError:
            return False
    return False


def read_newsletter(source: str | os.PathLike | bytes, *, fmt: str | None = None,
                    issue_id: str | None = None, url: str | None = None,
                    published: str | None = None, origin: str | None = None,
                    kind: str = "newsletter") -> list[Document]:
    """Read one issue (a path, its text, or its bytes) and return one Document per
    item. ``fmt`` defaults to the file suffix, else is sniffed from the content.
    ``published`` defaults to the front matter ``date``, HTML meta/``<time>``, a
    date line near the top, or a ``YYYY-MM-DD-`` file-name prefix.
    Raises MalformedDocument for binary or undecodable input, SourceError if the
    file cannot be read."""
    name = None
    if _is_path_like(source):
        path = Path(source)
        name = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            from kg.errors import SourceError
            raise SourceError(f"{path}: cannot read: {exc}") from exc
        origin = origin or name
        fmt = fmt or SUFFIX_FORMAT.get(path.suffix.lower())
        text = decode_bytes(data, source=name, html=fmt == "html" or fmt is None)
    elif isinstance(source, bytes):
        text = decode_bytes(source, source=origin, html=True)
    else:
        text = str(source)
    fmt = fmt or detect_format(text, origin)
    try:
        items, meta = _split(text, fmt=fmt, base_url=url)
    except MalformedDocument as exc:
        raise MalformedDocument(exc.reason, source=origin) from exc
    if published is None:
        published = parse_date(meta.get("date"))
    if published is None and name:
        m = re.match(r"(\d{4}-\d{2}-\d{2})[-_]", Path(name).name)
        if m:
            published = parse_date(m.group(1))
    if url is None and (meta.get("url") or "").startswith(("http://", "https://")):
        url = meta["url"]
    issue = issue_id or issue_id_for(origin, text)
    return items_to_documents(items, issue_id=issue, url=url, published=published, origin=origin,
                              kind=kind)
