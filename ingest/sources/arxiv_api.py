"""The arXiv API (``http://export.arxiv.org/api/query``): look-ups by id list and
searches, paged with ``start``/``max_results``.

Politeness: at least ``delay`` (3 s) between calls, retries with exponential
backoff on 5xx/429 and timeouts, a descriptive User-Agent. ``sleep`` and
``clock`` are injectable so tests do not wait.

arXiv's error feed (HTTP 400, or 200 with one Atom entry titled "Error") raises
SourceError carrying arXiv's message. An unknown id gives an empty feed and so
no documents.

    api = ArxivAPI(client)
    docs = list(api.by_ids(["2105.01601", "hep-th/9901001"]))
    docs = list(api.search("cat:cs.LG AND abs:mixer", max_results=50))
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import httpx
from lxml import etree

from ingest.sources._http import Clock, Sleep, Throttle, get
from kg.errors import MalformedDocument, SourceError
from kg.keys import normalize_arxiv_id
from kg.models import Document

API_URL = "http://export.arxiv.org/api/query"
ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NS = {"a": ATOM, "arxiv": ARXIV, "os": OPENSEARCH}

_ABS_ID = re.compile(r"arxiv\.org/abs/(.+?)/?$", re.I)
_WS = re.compile(r"\s+")


@dataclass(slots=True)
class Page:
    """One parsed API response."""
    documents: list[Document] = field(default_factory=list)
    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None


def _text(el: etree._Element | None) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip() if el is not None else ""


def _int(el: etree._Element | None) -> int | None:
    try:
        return int(_text(el)) if el is not None else None
    except ValueError:
        return None


def parse_feed(body: bytes | str, *, origin: str | None = None) -> Page:
    """Parse an arXiv API Atom response. Raises SourceError for arXiv's error
    entry and MalformedDocument for XML that does not parse."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"arXiv API response is not well-formed XML: {exc}", source=origin) from exc
    if root.tag != f"{{{ATOM}}}feed":
        raise MalformedDocument(f"not an Atom feed (root element {root.tag!r})", source=origin)
    entries = root.findall("a:entry", NS)
    for entry in entries:
        if _is_error_entry(entry):
            message = _text(entry.find("a:summary", NS)) or _text(entry.find("a:id", NS))
            raise SourceError(f"arXiv API error: {message}" + (f" ({origin})" if origin else ""))
    page = Page(total_results=_int(root.find("os:totalResults", NS)),
                start_index=_int(root.find("os:startIndex", NS)),
                items_per_page=_int(root.find("os:itemsPerPage", NS)))
    for entry in entries:
        page.documents.append(_entry_document(entry, origin))
    return page


def _is_error_entry(entry: etree._Element) -> bool:
    title = _text(entry.find("a:title", NS))
    entry_id = _text(entry.find("a:id", NS))
    return title == "Error" and ("/api/errors" in entry_id or not _ABS_ID.search(entry_id))


def _entry_document(entry: etree._Element, origin: str | None) -> Document:
    entry_id = _text(entry.find("a:id", NS))
    match = _ABS_ID.search(entry_id)
    raw_id = match.group(1) if match else entry_id
    arxiv_id = normalize_arxiv_id(raw_id)
    if arxiv_id is None:
        raise MalformedDocument(f"entry id {entry_id!r} is not an arXiv id", source=origin)
    categories: list[str] = []
    primary = entry.find("arxiv:primary_category", NS)
    if primary is not None and primary.get("term"):
        categories.append(primary.get("term"))
    for cat in entry.findall("a:category", NS):
        term = cat.get("term")
        if term and term not in categories:
            categories.append(term)
    authors = [_text(a.find("a:name", NS)) for a in entry.findall("a:author", NS)]
    doi = _text(entry.find("arxiv:doi", NS)) or None
    return Document(
        id=f"arxiv:{arxiv_id}",
        kind="arxiv",
        text=_text(entry.find("a:summary", NS)),
        title=_text(entry.find("a:title", NS)) or None,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        published=_text(entry.find("a:published", NS)) or None,
        updated=_text(entry.find("a:updated", NS)) or None,
        arxiv_id=arxiv_id,
        authors=[a for a in authors if a],
        categories=categories,
        doi=doi,
        origin=origin,
        reader="arxiv-api",
    )


class ArxivAPI:
    """A polite client of the arXiv API over a caller-supplied ``httpx.Client``."""

    def __init__(self, client: httpx.Client, *, base_url: str = API_URL, delay: float = 3.0,
                 sleep: Sleep = time.sleep, clock: Clock = time.monotonic, retries: int = 3,
                 backoff: float = 2.0, page_size: int = 100,
                 timeout: httpx.Timeout | float = 30.0):
        self.client = client
        self.base_url = base_url
        self.sleep = sleep
        self.retries = retries
        self.backoff = backoff
        self.page_size = page_size
        self.timeout = timeout
        self.throttle = Throttle(delay, sleep=sleep, clock=clock)

    def fetch_page(self, *, search_query: str = "", id_list: Iterable[str] = (), start: int = 0,
                   max_results: int = 100, sort_by: str = "relevance",
                   sort_order: str = "descending") -> Page:
        """One API call. Raises SourceError (HTTP errors, arXiv's error feed)."""
        params = {"search_query": search_query, "id_list": ",".join(id_list),
                  "sortBy": sort_by, "sortOrder": sort_order,
                  "start": str(start), "max_results": str(max_results)}
        response = get(self.client, self.base_url, params=params, retries=self.retries,
                       backoff=self.backoff, sleep=self.sleep, throttle=self.throttle,
                       timeout=self.timeout)
        origin = str(response.request.url)
        if response.status_code >= 400:
            # arXiv answers bad queries with HTTP 400 and an Atom error entry.
            try:
                parse_feed(response.content, origin=origin)
            except MalformedDocument:
                pass
            raise SourceError(f"{origin}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
        return parse_feed(response.content, origin=origin)

    def by_ids(self, ids: Iterable[str]) -> Iterator[Document]:
        """Documents for the given ids (``2105.01601``, ``2105.01601v2``,
        ``hep-th/9901001``), in batches of ``page_size``. Unknown ids are skipped
        (arXiv returns nothing for them); malformed ids raise SourceError."""
        ids = [i.strip() for i in ids if i and i.strip()]
        for i in range(0, len(ids), self.page_size):
            batch = ids[i:i + self.page_size]
            page = self.fetch_page(id_list=batch, start=0, max_results=self.page_size)
            yield from page.documents

    def search(self, query: str, *, max_results: int | None = None, start: int = 0,
               page_size: int | None = None, sort_by: str = "relevance",
               sort_order: str = "descending") -> Iterator[Document]:
        """Page through ``search_query=query`` from ``start`` until ``max_results``
        documents (None: all of arXiv's totalResults), an empty page, or the end.
        Entries repeated across pages are yielded once."""
        size = page_size or self.page_size
        seen: set[str] = set()
        count = 0
        offset = start
        while max_results is None or count < max_results:
            want = size if max_results is None else min(size, max_results - count)
            page = self.fetch_page(search_query=query, start=offset, max_results=want,
                                   sort_by=sort_by, sort_order=sort_order)
            if not page.documents:
                return
            for doc in page.documents:
                if doc.id in seen:
                    continue
                seen.add(doc.id)
                yield doc
                count += 1
                if max_results is not None and count >= max_results:
                    return
            offset += len(page.documents)
            if page.total_results is not None and offset >= page.total_results:
                return


def fetch_by_ids(client: httpx.Client, ids: Iterable[str], **options) -> list[Document]:
    """Convenience: ``ArxivAPI(client, **options).by_ids(ids)`` as a list."""
    return list(ArxivAPI(client, **options).by_ids(ids))


def search(client: httpx.Client, query: str, *, max_results: int | None = None,
           **options) -> list[Document]:
    """Convenience: ``ArxivAPI(client, **options).search(query, max_results=...)``."""
    page_size = options.pop("page_size", None)
    api = ArxivAPI(client, **options)
    return list(api.search(query, max_results=max_results, page_size=page_size))
