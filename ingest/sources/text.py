"""Text input: bytes → ``str`` decoding and newsletter format detection.

    decode_bytes(data, *, source=None, html=False) -> str
    detect_format(text, name=None) -> "text" | "markdown" | "html"

UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted; HTML may declare
another charset in ``<meta charset>``. Binary files (recognised by their magic
number or NUL bytes) and undecodable bytes raise MalformedDocument.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import MalformedDocument

FORMATS = ("text", "markdown", "html")
SUFFIX_FORMAT = {".txt": "text", ".text": "text", ".md": "markdown", ".mdx": "markdown",
                  ".markdown": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html"}



_MAGIC = [(b"%PDF", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
          (b"GIF8", "GIF image"), (b"PK\x03\x04", "ZIP archive"), (b"\x1f\x8b", "gzip archive"),
          (b"\x7fELF", "ELF executable"), (b"BZh", "bzip2 archive"), (b"\xfd7zXZ", "xz archive")]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.I)


def decode_bytes(data: bytes, *, source: str | None = None, html: bool = False) -> str:
    """Decode a text document. UTF-8 (with or without BOM) and UTF-16 with a BOM
    are accepted; HTML may declare another charset in ``<meta charset>``.
    Binary files and undecodable bytes raise MalformedDocument with the reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(f"invalid UTF-16 text: {exc.reason} at byte {exc.start}",
                                    source=source) from exc
    head = data[:8192]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            raise MalformedDocument(f"binary file ({name}), not a text document", source=source)
    if b"\x00" in head:
        raise MalformedDocument("binary file (contains NUL bytes), not a text document", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if html:
            match = _META_CHARSET.search(head)
            if match and match.group(1).lower() not in (b"utf-8", b"utf8"):
                try:
                    return data.decode(match.group(1).decode("ascii"))
                except (LookupError, UnicodeDecodeError):
                    pass
        bad = data[exc.start:exc.start + 1]
        raise MalformedDocument(
            f"not valid UTF-8: byte 0x{bad.hex()} at offset {exc.start} ({exc.reason}); "
            "re-encode the file as UTF-8", source=source) from exc


def detect_format(text: str, name: str | None = None) -> str:
    """``text``, ``markdown`` or ``html`` from a file name, else from content."""
    if name:
        fmt = SUFFIX_FORMAT.get(Path(urlsplit(name).path).suffix.lower())
        if fmt:
            return fmt
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div|h[1-6])[\s>]", head):
        return "html"
    if re.search(r"(?m)^(#{1,6} \S|---\s*$|\s*[-*] \[|.*\]\(https?://)", text[:5000]):
        return "markdown"
    return "text"
