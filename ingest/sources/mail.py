"""Newsletters received by mail: ``.mbox`` mailboxes and single ``.eml``
messages (stdlib ``mailbox``/``email``). The ``text/html`` part is preferred and
goes through the HTML newsletter path; else ``text/plain``. Each message is
split into items (Documents of kind ``newsletter``); the date comes from the
``Date`` header, the issue id from ``Message-ID``; a message without headed
sections gives one item titled with the ``Subject``.

    docs = read_mail("issues.mbox")      # or "issue.eml"
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
import os
from email.message import Message
from pathlib import Path

from ingest.sources.newsletter import _slug, _split, decode_bytes, items_to_documents, parse_date
from kg.errors import MalformedDocument, SourceError
from kg.models import Document


def _body(msg: Message) -> tuple[str, str] | None:
    """(text, fmt) of the preferred part: text/html, else text/plain."""
    parts = list(msg.walk()) if msg.is_multipart() else [msg]
    for wanted, fmt in (("text/html", "html"), ("text/plain", "text")):
        for part in parts:
            if part.get_content_type() != wanted or part.get_content_disposition() == "attachment":
                continue
            payload = part.get_payload(decode=True)
            if payload is None:
                continue
            charset = part.get_content_charset() or "utf-8"
            try:
                return payload.decode(charset), fmt
            except (LookupError, UnicodeDecodeError):
                return decode_bytes(payload, source=msg.get("Message-ID"), html=fmt == "html"), fmt
    return None


def read_message(msg: Message, *, origin: str | None = None) -> list[Document]:
    """One message → newsletter item Documents (empty if it has no text part)."""
    body = _body(msg)
    subject = " ".join(str(msg.get("Subject") or "").split()) or None
    if body is None or not body[0].strip():
        return []
    text, fmt = body
    items, meta = _split(text, fmt=fmt)
    published = parse_date(str(msg.get("Date") or "")) or parse_date(meta.get("date"))
    message_id = str(msg.get("Message-ID") or "").strip("<> ")
    key = message_id or f"{subject}|{msg.get('Date')}|{hashlib.sha1(text.encode()).hexdigest()}"
    issue_id = _slug(key, 60) + "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    if len(items) == 1 and items[0].title is None and subject:
        items[0].title = subject
    return items_to_documents(items, issue_id=f"mail/{issue_id}", url=None, published=published,
                              origin=origin)


def read_mail(path: str | os.PathLike) -> list[Document]:
    """Read a ``.eml`` message or an mbox mailbox (sniffed from the ``From `` line)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc}") from exc
    decode_check = data[:8192]
    if b"\x00" in decode_check or not data.strip():
        raise MalformedDocument("binary or empty file, not a mail message" if data.strip()
                                else "empty file, not a mail message", source=str(path))
    docs: list[Document] = []
    if data.startswith(b"From ") or path.suffix.lower() == ".mbox":
        try:
            box = mailbox.mbox(str(path), create=False)
            for key, msg in box.iteritems():
                docs.extend(read_message(msg, origin=f"{path}#{key}"))
        except (OSError, mailbox.Error) as exc:
            raise SourceError(f"{path}: cannot read mailbox: {exc}") from exc
        return docs
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    if not msg.keys():
        raise MalformedDocument("no mail headers found", source=str(path))
    return read_message(msg, origin=str(path))
