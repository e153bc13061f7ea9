"""arXiv OAI-PMH harvesting: ``ListRecords`` for a date range and a set, with
``metadataPrefix`` ``arXiv`` (structured authors, created/updated dates) or
``arXivRaw`` (version history, authors as one string).

* ``resumptionToken`` is followed until the list is complete;
* HTTP 503 with ``Retry-After`` (arXiv's flow control) waits that long through
  the injectable ``sleep``, then retries; other 5xx back off exponentially;
* the OAI error ``noRecordsMatch`` means an empty result, not an error; any
  other OAI error (``badArgument``, ``badResumptionToken``…) raises SourceError.

    for doc in list_records(client, set_="cs", from_="2024-01-01", until="2024-01-02"):
        ...
    page = parse_records(xml_bytes)   # OAIPage(documents, resumption_token, …)
"""
from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timezone

import httpx
from lxml import etree

from ingest.sources._http import Clock, Sleep, Throttle, get
from kg.errors import MalformedDocument, SourceError
from kg.keys import normalize_arxiv_id
from kg.models import Document

OAI_URL = "http://export.arxiv.org/oai2"
OAI = "http://www.openarchives.org/OAI/2.0/"
ARXIV = "http://arxiv.org/OAI/arXiv/"
ARXIV_RAW = "http://arxiv.org/OAI/arXivRaw/"
PREFIXES = ("arXiv", "arXivRaw")
_WS = re.compile(r"\s+")


@dataclass(slots=True)
class OAIPage:
    documents: list[Document] = field(default_factory=list)
    resumption_token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None
    deleted: list[str] = field(default_factory=list)  # arXiv ids of deleted records


def _t(el: etree._Element | None) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip() if el is not None else ""


def _rfc2822_iso(value: str) -> str | None:
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _split_authors(value: str) -> list[str]:
    """``A. B, C. D, and E. F`` → three names (arXivRaw keeps authors as one string)."""
    value = _WS.sub(" ", value).strip()
    value = re.sub(r"\([^()]*\)", "", value)  # affiliations in parentheses
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", value)
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


def parse_records(body: bytes | str, *, origin: str | None = None) -> OAIPage:
    """Parse one OAI-PMH response (``ListRecords`` or ``GetRecord``) in the
    ``arXiv`` or ``arXivRaw`` format. ``noRecordsMatch`` → an empty page; other
    OAI errors → SourceError; XML that does not parse → MalformedDocument."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                              huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"OAI-PMH response is not well-formed XML: {exc}", source=origin) from exc
    if root.tag != f"{{{OAI}}}OAI-PMH":
        raise MalformedDocument(f"not an OAI-PMH response (root element {root.tag!r})", source=origin)
    errors = root.findall(f"{{{OAI}}}error")
    if errors:
        codes = [e.get("code") or "" for e in errors]
        if all(code == "noRecordsMatch" for code in codes):
            return OAIPage()
        detail = "; ".join(f"{e.get('code')}: {_t(e)}".rstrip(": ") for e in errors)
        raise SourceError(f"OAI-PMH error {detail}" + (f" ({origin})" if origin else ""))
    page = OAIPage()
    for record in root.iter(f"{{{OAI}}}record"):
        header = record.find(f"{{{OAI}}}header")
        if header is not None and header.get("status") == "deleted":
            ident = _t(header.find(f"{{{OAI}}}identifier")).rsplit(":", 1)[-1]
            page.deleted.append(ident)
            continue
        metadata = record.find(f"{{{OAI}}}metadata")
        if metadata is None or len(metadata) == 0:
            continue
        page.documents.append(_record_document(metadata[0], origin))
    token = root.find(f".//{{{OAI}}}resumptionToken")
    if token is not None:
        page.resumption_token = (token.text or "").strip() or None
        try:
            page.complete_list_size = int(token.get("completeListSize")) if token.get("completeListSize") else None
            page.cursor = int(token.get("cursor")) if token.get("cursor") else None
        except ValueError:
            pass
    return page


def _record_document(meta: etree._Element, origin: str | None) -> Document:
    ns = etree.QName(meta).namespace
    if ns not in (ARXIV, ARXIV_RAW):
        raise MalformedDocument(f"unsupported OAI metadata format {meta.tag!r}", source=origin)

    def f(name: str) -> str:
        return _t(meta.find(f"{{{ns}}}{name}"))

    raw_id = f("id")
    arxiv_id = normalize_arxiv_id(raw_id)
    if arxiv_id is None:
        raise MalformedDocument(f"record id {raw_id!r} is not an arXiv id", source=origin)
    if ns == ARXIV:
        authors = []
        for author in meta.iter(f"{{{ns}}}author"):
            name = " ".join(filter(None, (_t(author.find(f"{{{ns}}}forenames")),
                                          _t(author.find(f"{{{ns}}}keyname")),
                                          _t(author.find(f"{{{ns}}}suffix")))))
            if name:
                authors.append(name)
        published = f("created") or None
        updated = f("updated") or None
    else:
        authors = _split_authors(f("authors"))
        dates = [_rfc2822_iso(_t(v.find(f"{{{ns}}}date"))) for v in meta.iter(f"{{{ns}}}version")]
        dates = [d for d in dates if d]
        published = dates[0] if dates else None
        updated = dates[-1] if dates else None
    doi = f("doi").split()[0] if f("doi") else None
    return Document(
        id=f"arxiv:{arxiv_id}", kind="arxiv", text=f("abstract"), title=f("title") or None,
        url=f"https://arxiv.org/abs/{arxiv_id}", published=published, updated=updated,
        arxiv_id=arxiv_id, authors=authors, categories=f("categories").split(), doi=doi,
        origin=origin, reader="arxiv-oai",
    )


def list_records(client: httpx.Client, *, metadata_prefix: str = "arXiv", set_: str | None = None,
                 from_: str | None = None, until: str | None = None, base_url: str = OAI_URL,
                 sleep: Sleep = time.sleep, clock: Clock = time.monotonic, delay: float = 3.0,
                 retries: int = 5, backoff: float = 5.0, max_pages: int | None = None,
                 timeout: float = 60.0) -> Iterator[Document]:
    """Harvest ``ListRecords`` page by page (following ``resumptionToken``)."""
    if metadata_prefix not in PREFIXES:
        raise ValueError(f"metadata_prefix must be one of {PREFIXES}")
    params: dict[str, str] = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_:
        params["set"] = set_
    if from_:
        params["from"] = from_
    if until:
        params["until"] = until
    throttle = Throttle(delay, sleep=sleep, clock=clock)
    pages = 0
    while True:
        response = get(client, base_url, params=params, retries=retries, backoff=backoff,
                       sleep=sleep, throttle=throttle, timeout=timeout)
        origin = str(response.request.url)
        if response.status_code >= 400:
            # OAI errors normally come with 200; a 4xx body may still carry one.
            try:
                parse_records(response.content, origin=origin)
            except MalformedDocument:
                pass
            raise SourceError(f"{origin}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
        page = parse_records(response.content, origin=origin)
        yield from page.documents
        pages += 1
        if not page.resumption_token or (max_pages is not None and pages >= max_pages):
            return
        params = {"verb": "ListRecords", "resumptionToken": page.resumption_token}
