"""Structured facts from arXiv metadata (recorded real API, OAI-PMH and snapshot
records): AUTHORED_BY with the reader as extractor and confidence 1.0, the
Paper's dates, categories and DOI, and the ``authors`` named query on both stores."""
from __future__ import annotations

import pytest

from ingest.extract.metadata import add_metadata
from ingest.pipeline import Ingestor
from ingest.sources.arxiv_api import ArxivAPI
from ingest.sources.arxiv_oai import parse_records
from ingest.sources.arxiv_snapshot import read_snapshot
from kg.models import Document, Entity, EntityRef, Evidence, Relation
from recorded import FIXTURES, FakeSleep, RecordedTransport

OAI = FIXTURES / "arxiv-oai"


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _api_doc(arxiv_id: str) -> Document:
    rec = RecordedTransport.from_files((FIXTURES / "arxiv-api").glob("id_*.json"))
    sleep = FakeSleep()
    [doc] = ArxivAPI(rec.client(), sleep=sleep, clock=sleep.clock).by_ids([arxiv_id])
    return doc


def _oai_doc(name: str) -> Document:
    return parse_records((OAI / name).read_bytes()).documents[0]


def _authored(extraction) -> list[tuple[str, str, float]]:
    return [(r.tail.name, r.evidence.extractor, r.evidence.confidence)
            for r in extraction.relations if r.type == "AUTHORED_BY"]


def test_api_record_gives_authors_in_order_with_reader_provenance(extractor):
    doc = _api_doc("1707.08567")
    ex = extractor.extract(doc)
    authored = _authored(ex)
    assert [a for a, _, _ in authored][:2] == ["Kees A. Schouhamer Immink", "Stan Baggen"]
    assert len(authored) == len(doc.authors)
    assert {(e, c) for _, e, c in authored} == {("arxiv-api", 1.0)}
    [paper] = [e for e in ex.entities if e.label == "Paper" and e.props.get("arxiv_id") == "1707.08567"]
    assert paper.key == "arxiv:1707.08567"
    assert paper.props["published"] == "2017-07-27T08:18:33Z" and paper.props["updated"]
    assert paper.props["categories"][0] == "cs.IT"
    assert paper.props["authors"][:2] == ["Kees A. Schouhamer Immink", "Stan Baggen"]
    people = {e.name for e in ex.entities if e.label == "Person"}
    assert set(doc.authors) <= people


@pytest.mark.parametrize("fixture, reader, authors, doi", [
    ("hepcrawl_GetRecord_arXiv_1401.2122.xml", "arxiv-oai", ["A. Sergyeyev"],
     "10.1007/s11005-017-1013-4"),
    ("saelim_GetRecord_arXivRaw_1302.2146.xml", "arxiv-oai",
     ["Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo"], None),
])
def test_oai_records_arxiv_and_arxivraw(extractor, fixture, reader, authors, doi):
    doc = _oai_doc(fixture)
    ex = extractor.extract(doc)
    assert _authored(ex) == [(a, reader, 1.0) for a in authors]
    [paper] = [e for e in ex.entities if e.label == "Paper" and e.key == f"arxiv:{doc.arxiv_id}"]
    assert paper.props.get("doi") == doi
    assert paper.props["published"] and paper.props["updated"] > paper.props["published"][:10]
    assert paper.props["categories"] == doc.categories


def test_snapshot_record_uses_authors_parsed(extractor):
    doc = next(read_snapshot(OAI / "kaggle-snapshot-sample.jsonl"))
    ex = extractor.extract(doc)
    assert _authored(ex) == [(a, "arxiv-snapshot", 1.0) for a in
                             ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]]
    [paper] = [e for e in ex.entities if e.key == "arxiv:0704.0001"]
    assert paper.props["doi"] == "10.1103/PhysRevD.76.013009"
    assert paper.props["updated"] == "2008-11-26"


def test_author_never_stays_another_kind_of_node():
    doc = Document(id="x", kind="arxiv", text="GAN work by Zhe Gan.", title="A Paper About GANs",
                   arxiv_id="2101.00001", authors=["Zhe Gan"], categories=["cs.LG"], reader="jsonl")
    org = Entity("Organization", "Zhe Gan")
    gan = Entity("Architecture", "GAN")
    rel = Relation("DEVELOPED_BY", EntityRef.of(gan), EntityRef.of(org),
                   Evidence("x", "s", "t", "1", 0.5))
    from ingest.extract import Extraction
    ex = add_metadata(doc, Extraction("x", [gan, org], [rel]))
    labels = {(str(e.label), e.name) for e in ex.entities}
    assert ("Person", "Zhe Gan") in labels and ("Organization", "Zhe Gan") not in labels
    assert ("Architecture", "GAN") in labels
    assert [r.type for r in ex.relations] == ["AUTHORED_BY"]
    # idempotent: the load stage calls it again
    again = add_metadata(doc, ex, with_abstract=True)
    assert len(again.relations) == 1 and len(again.entities) == len(ex.entities)


def test_no_metadata_no_change(extractor):
    doc = Document(id="n", kind="arxiv", title="Llemma", arxiv_id="2310.10631",
                   text="We present Llemma, a large language model for mathematics.")
    assert not [r for r in extractor.extract(doc).relations if r.type == "AUTHORED_BY"]


def test_authors_query_on_store(graph_store, extractor):
    ing = Ingestor(graph_store, extractor)
    ing.ingest_documents([_api_doc("1707.08567"), _oai_doc("saelim_GetRecord_arXivRaw_1302.2146.xml"),
                          next(read_snapshot(OAI / "kaggle-snapshot-sample.jsonl"))])
    rows = graph_store.run_query("authors", {"name": "1302.2146"})
    assert [r["author"] for r in rows] == ["Joshua Berger", "Maxim Perelstein", "Michael Saelim",
                                           "Philip Tanedo"]
    assert {r["paper"] for r in rows} == {"The Same-Sign Dilepton Signature of RPV/MFV SUSY"}
    assert rows[0]["published"] == "2013-02-08T21:00:01Z"
    by_person = graph_store.run_query("authors", {"name": "Stan Baggen"})
    assert [r["arxiv_id"] for r in by_person] == ["1707.08567"]
    edge = graph_store.read("MATCH (:Paper {key: 'arxiv:0704.0001'})-[r:AUTHORED_BY]->(a:Person) "
                            "RETURN a.name AS name, r.extractor AS extractor, r.confidence AS c "
                            "ORDER BY name")
    assert [(r["name"], r["extractor"], r["c"]) for r in edge][0] == ("C. -P. Yuan", "arxiv-snapshot", 1.0)
    paper = graph_store.read("MATCH (p:Paper {key: 'arxiv:0704.0001'}) RETURN p.doi AS doi, "
                             "p.updated AS updated, p.categories AS cats, p.published AS published")
    assert paper == [{"doi": "10.1103/PhysRevD.76.013009", "updated": "2008-11-26",
                      "cats": ["hep-ph"], "published": "2007-04-02T19:18:42Z"}]
