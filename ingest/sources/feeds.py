"""RSS and Atom feeds (via feedparser). Each entry gives one Document of kind
``feed`` (title, text, link, published from the entry). An entry whose body is a
whole issue (three or more items: headed sections or substantial bullets) is
split into items instead, each a Document of kind ``newsletter`` with the
entry's URL and date.

    docs = read_feed(path_or_bytes, origin="https://example.org/feed.xml")
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import feedparser

from ingest.sources.newsletter import (_slug, _split, decode_bytes, items_to_documents,
                                       parse_date)
from kg.errors import MalformedDocument, SourceError
from kg.models import Document

SPLIT_MIN_ITEMS = 3


def looks_like_feed(data: bytes | str) -> bool:
    head = data[:2048] if isinstance(data, str) else data[:2048].decode("utf-8", "replace")
    head = head.lower()
    return bool(re.search(r"<rss[\s>]|<feed[\s>]|<rdf:rdf[\s>]", head))


def _entry_date(entry) -> str | None:
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if value:
            parsed = entry.get(f"{key}_parsed")
            if parsed:
                return "%04d-%02d-%02d" % parsed[:3]
            return parse_date(value)
    return None


def parse_feed(data: bytes, *, origin: str | None = None, split: bool = True) -> list[Document]:
    """Parse feed bytes into Documents. Raises MalformedDocument when the bytes
    are not a feed."""
    decode_bytes(data, source=origin, html=True)  # binary / undecodable input → MalformedDocument
    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: None)() \
            or str(parsed.get("bozo_exception") or "no RSS/Atom entries")
        raise MalformedDocument(f"not a readable RSS/Atom feed: {reason}", source=origin)
    feed_key = _slug(parsed.feed.get("link") or parsed.feed.get("title") or origin or "feed", 60)
    docs: list[Document] = []
    for n, entry in enumerate(parsed.entries):
        body, fmt = "", "text"
        if entry.get("content"):
            part = next((c for c in entry.content if "html" in (c.get("type") or "")), entry.content[0])
            body, fmt = part.get("value", ""), "html" if "html" in (part.get("type") or "") else "text"
        elif entry.get("summary") is not None:
            body = entry.get("summary", "")
            detail = entry.get("summary_detail") or {}
            fmt = "html" if "html" in (detail.get("type") or "text/html") else "text"
        if fmt == "html" and not re.search(r"<[a-zA-Z]", body):
            fmt = "text"
        link = entry.get("link")
        published = _entry_date(entry)
        title = " ".join((entry.get("title") or "").split()) or None
        key = entry.get("id") or link or f"{title}-{n}"
        entry_id = _slug(key, 60) + "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        items, _meta = _split(body, fmt=fmt, base_url=link) if body.strip() else ([], {})
        if split and len(items) >= SPLIT_MIN_ITEMS:
            docs.extend(items_to_documents(items, issue_id=f"{feed_key}/{entry_id}", url=link,
                                           published=published, origin=origin or link))
            continue
        text = "\n".join(i.text for i in items).strip()
        links = [l for i in items for l in i.links]
        if title and not text.startswith(title):
            text = f"{title}\n{text}".strip()
        docs.append(Document(id=f"feed:{feed_key}/{entry_id}", kind="feed", text=text, title=title,
                             url=link, published=published, links=links, origin=origin or link,
                             authors=[a.get("name") for a in entry.get("authors", []) if a.get("name")]))
    return docs


def read_feed(source: str | os.PathLike | bytes, *, origin: str | None = None,
              split: bool = True) -> list[Document]:
    """Read a feed from a path or from its bytes."""
    if isinstance(source, bytes):
        return parse_feed(source, origin=origin, split=split)
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc}") from exc
    return parse_feed(data, origin=origin or str(path), split=split)
