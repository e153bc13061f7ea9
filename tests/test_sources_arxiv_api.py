"""arXiv API client against recorded real responses (arxiv.py's fixtures)."""

import httpx
import pytest

from ingest.sources import read_url
from ingest.sources._http import USER_AGENT
from ingest.sources.arxiv_api import ArxivAPI, fetch_by_ids, parse_feed, search
from kg.errors import MalformedDocument, SourceError

try:
    from tests.recorded import FIXTURES, FakeSleep, RecordedTransport
except ImportError:  # tests/ itself on sys.path
    from recorded import FIXTURES, FakeSleep, RecordedTransport


@pytest.fixture
def rec():
    return RecordedTransport.from_files(sorted((FIXTURES / "arxiv-api").glob("*.json")))


@pytest.fixture
def sleep():
    return FakeSleep()


def api_for(rec, sleep, **kw):
    return ArxivAPI(rec.client(), sleep=sleep, clock=sleep.clock, **kw)


def test_by_ids_multi(rec, sleep):
    docs = list(api_for(rec, sleep).by_ids(["0808.05394", "1707.08567"]))
    # 0808.05394 is not an arXiv paper: arXiv returns only the other one
    assert [d.id for d in docs] == ["arxiv:1707.08567"]
    doc = docs[0]
    assert doc.kind == "arxiv" and doc.arxiv_id == "1707.08567"
    assert doc.title.startswith("Proceedings of Workshop AEW10")
    assert doc.categories[0] == "cs.IT"
    assert doc.authors[:2] == ["Kees A. Schouhamer Immink", "Stan Baggen"]
    assert doc.published == "2017-07-27T08:18:33Z" and doc.updated
    assert doc.url == "https://arxiv.org/abs/1707.08567"
    assert len(doc.text) > 100 and "  " not in doc.text
    request = rec.requests[0]
    assert request.headers["User-Agent"] == USER_AGENT == "mlkg/0.1 (+https://github.com/mlkg/mlkg)"
    assert request.url.params["id_list"] == "0808.05394,1707.08567"
    assert str(request.url).startswith("http://export.arxiv.org/api/query?")


def test_old_style_and_versioned_ids(rec, sleep):
    api = api_for(rec, sleep)
    old = list(api.by_ids(["astro-ph/0601001"]))[0]
    assert old.id == "arxiv:astro-ph/0601001" and old.arxiv_id == "astro-ph/0601001"
    assert old.authors[0] == "Andrew Gould" and old.categories == ["astro-ph"]
    versioned = list(api.by_ids(["quant-ph/0201082v1"]))[0]
    assert versioned.arxiv_id == "quant-ph/0201082"
    new = fetch_by_ids(rec.client(), ["2104.12255v1"], sleep=sleep, clock=sleep.clock)[0]
    assert new.arxiv_id == "2104.12255" and new.title == "0" and new.categories == ["cs.CR"]


def test_doi_is_read(rec, sleep):
    docs = list(api_for(rec, sleep).search("testing", max_results=10, page_size=10))
    assert docs[0].doi == "10.1109/ICSTW55395.2022.00035"


def test_unknown_id_gives_empty_result(rec, sleep):
    assert list(api_for(rec, sleep).by_ids(["0000.0000"])) == []


def test_error_feed_http_400_raises_with_arxiv_message(rec, sleep):
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        list(api_for(rec, sleep).by_ids(["abc"]))


def test_error_entry_in_a_200_response_raises():
    import json
    body = json.loads((FIXTURES / "arxiv-api" / "id_abc_s0_m100_b79c8dcf6bc3.json").read_text())["body"]
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        parse_feed(body)  # status is not consulted by the parser


def test_search_pages_with_polite_delay(rec, sleep):
    api = api_for(rec, sleep)
    docs = list(api.search("testing", max_results=30, page_size=10))
    assert len(docs) == 30 and len({d.id for d in docs}) == 30
    starts = [(r.url.params["start"], r.url.params["max_results"]) for r in rec.requests]
    assert starts == [("0", "10"), ("10", "10"), ("20", "10")]
    assert sleep.calls == [3.0, 3.0]  # ≥ 3 s between calls, none before the first


def test_search_convenience_stops_at_max_results(rec, sleep):
    docs = search(rec.client(), "testing", max_results=20, page_size=10, sleep=sleep, clock=sleep.clock)
    assert len(docs) == 20
    assert [r.url.params["start"] for r in rec.requests] == ["0", "10"]


def test_search_last_page_asks_only_for_what_is_missing(rec, sleep):
    with pytest.raises(AssertionError, match="start=10&max_results=5"):
        list(api_for(rec, sleep).search("testing", max_results=15, page_size=10))


def test_503_is_retried_with_backoff_then_succeeds(rec, sleep):
    rec.fail_next(503)
    docs = list(api_for(rec, sleep, backoff=2.0).by_ids(["1707.08567"]))
    assert [d.id for d in docs] == ["arxiv:1707.08567"]
    assert len(rec.requests) == 2
    assert 2.0 in sleep.calls  # first backoff step


def test_timeout_is_retried(rec, sleep):
    rec.raise_next(httpx.ReadTimeout("slow"))
    rec.raise_next(httpx.ReadTimeout("slow"))
    docs = list(api_for(rec, sleep, backoff=1.0).by_ids(["1707.08567"]))
    assert len(docs) == 1
    assert sleep.calls[:2] == [1.0, 2.0]  # exponential


def test_retries_exhausted_raise_source_error(rec, sleep):
    rec.fail_next(502, times=5)
    with pytest.raises(SourceError, match="HTTP 502 after 3 attempts"):
        list(api_for(rec, sleep, retries=2).by_ids(["1707.08567"]))


def test_connection_error_becomes_source_error(rec, sleep):
    rec.raise_next(httpx.ConnectError("refused"))
    with pytest.raises(SourceError) as err:
        list(api_for(rec, sleep).by_ids(["1707.08567"]))
    assert isinstance(err.value.__cause__, httpx.ConnectError)


def test_garbage_response_is_malformed():
    with pytest.raises(MalformedDocument):
        parse_feed(b"<html><body>Service Unavailable</body></html")


def test_404_url_gives_source_error():
    rec = RecordedTransport(missing_status=404)
    with pytest.raises(SourceError, match="404"):
        read_url("https://example.org/newsletter/issue-1.html", rec.client())
