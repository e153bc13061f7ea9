"""OAI-PMH harvesting against recorded real arXiv responses
(mikesaelim/arXivOAIHarvester: arXivRaw; inspirehep/hepcrawl: arXiv)."""
import re

import pytest

from ingest.sources import read_path
from ingest.sources.arxiv_oai import OAI_URL, list_records, parse_records
from kg.errors import MalformedDocument, SourceError

try:
    from tests.recorded import FIXTURES, FakeSleep, RecordedTransport
except ImportError:
    from recorded import FIXTURES, FakeSleep, RecordedTransport

OAI_DIR = FIXTURES / "arxiv-oai"
RAW_PAGE = (OAI_DIR / "saelim_ListRecords_arXivRaw.xml").read_bytes()
ARXIV_PAGE = (OAI_DIR / "hepcrawl_ListRecords_arXiv_physics-hep-th.xml").read_bytes()
TOKEN = "726959|1001"


def oai_error(code: str, message: str) -> bytes:
    """An OAI-PMH error response made from the recorded envelope (no real arXiv
    error response with a usable licence exists): the ListRecords element of the
    recorded page is replaced by ``<error code=…>``, as OAI-PMH 2.0 §3.6 has it."""
    text = RAW_PAGE.decode("utf-8")
    text = re.sub(r"<ListRecords>.*</ListRecords>", f'<error code="{code}">{message}</error>', text, flags=re.S)
    return text.encode("utf-8")


def test_parse_arxivraw_page():
    page = parse_records(RAW_PAGE)
    assert page.resumption_token == TOKEN and page.complete_list_size == 58011 and page.cursor == 0
    assert len(page.documents) == 6
    first = page.documents[0]
    assert first.id == "arxiv:0704.0471" and first.kind == "arxiv"
    assert first.title.startswith("Density dependence of the symmetry energy")
    assert first.authors == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    assert first.categories == ["nucl-ex", "nucl-th"]
    assert first.doi == "10.1103/PhysRevC.76.024606"
    assert first.published == "2007-04-03T22:04:11Z"
    assert first.text.startswith("The density dependence of the symmetry energy")
    multi = page.documents[1]
    assert multi.published == "2007-04-05T12:45:03Z" and multi.updated == "2008-11-14T09:07:25Z"


def test_parse_arxiv_prefix_page():
    page = parse_records(ARXIV_PAGE)
    assert page.resumption_token is None and len(page.documents) == 3
    doc = page.documents[0]
    assert doc.arxiv_id == "1412.8323" and doc.authors == ["Philipp A Hoehn"]
    assert doc.published == "2014-12-29" and doc.updated == "2017-12-13"
    assert "hep-th" in doc.categories
    assert page.documents[1].doi == "10.1088/1751-8121/aa9c53"


def test_get_record_responses_parse_too():
    assert parse_records((OAI_DIR / "hepcrawl_GetRecord_arXiv_1401.2122.xml").read_bytes()) \
        .documents[0].arxiv_id == "1401.2122"
    raw = parse_records((OAI_DIR / "saelim_GetRecord_arXivRaw_1302.2146.xml").read_bytes()).documents[0]
    assert raw.authors == ["Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo"]


def paged_transport() -> RecordedTransport:
    # page 1: the recorded arXivRaw page with its real resumptionToken; page 2: a
    # recorded page without a token (from another harvest: the parser reads both formats)
    rec = RecordedTransport()
    rec.add(OAI_URL, RAW_PAGE, params={"verb": "ListRecords", "metadataPrefix": "arXivRaw",
                                       "from": "2014-10-01", "set": "physics"})
    rec.add(OAI_URL, ARXIV_PAGE, params={"verb": "ListRecords", "resumptionToken": TOKEN})
    return rec


def test_list_records_follows_resumption_token():
    rec, sleep = paged_transport(), FakeSleep()
    docs = list(list_records(rec.client(), metadata_prefix="arXivRaw", set_="physics",
                             from_="2014-10-01", sleep=sleep, clock=sleep.clock))
    assert len(docs) == 9
    assert docs[0].arxiv_id == "0704.0471" and docs[-1].arxiv_id == "1607.01710"
    second = rec.requests[1].url.params
    assert dict(second) == {"verb": "ListRecords", "resumptionToken": TOKEN}
    assert sleep.calls == [3.0]  # polite delay between the two pages


def test_retry_after_on_503_is_honoured():
    rec, sleep = paged_transport(), FakeSleep()
    rec.fail_next(503, headers={"Retry-After": "7"}, body=b"Retry after specified interval")
    docs = list(list_records(rec.client(), metadata_prefix="arXivRaw", set_="physics",
                             from_="2014-10-01", sleep=sleep, clock=sleep.clock, max_pages=1))
    assert len(docs) == 6
    assert sleep.calls[0] == 7.0
    assert len(rec.requests) == 2


def test_no_records_match_is_empty_not_an_error():
    assert parse_records(oai_error("noRecordsMatch", "No records match")).documents == []
    rec = RecordedTransport()
    rec.add(OAI_URL, oai_error("noRecordsMatch", "No records match"),
            params={"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs",
                    "from": "2024-01-01", "until": "2024-01-02"})
    sleep = FakeSleep()
    assert list(list_records(rec.client(), set_="cs", from_="2024-01-01", until="2024-01-02",
                             sleep=sleep, clock=sleep.clock)) == []


def test_other_oai_errors_raise():
    with pytest.raises(SourceError, match="badResumptionToken: expired"):
        parse_records(oai_error("badResumptionToken", "expired"))


def test_malformed_xml():
    with pytest.raises(MalformedDocument):
        parse_records(RAW_PAGE[:5000])
    with pytest.raises(ValueError):
        next(list_records(RecordedTransport().client(), metadata_prefix="oai_dc"))


def test_read_path_sniffs_oai_xml():
    docs = list(read_path(OAI_DIR / "hepcrawl_ListRecords_arXiv_physics-hep-th.xml"))
    assert [d.arxiv_id for d in docs] == ["1412.8323", "1507.07790", "1607.01710"]
