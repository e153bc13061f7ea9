"""GET /browse/{label}: facets (organization, year, relation presence), sorting,
pagination, stable links and CSV, on both stores."""
from __future__ import annotations

import csv
import io

import pytest

from api_support import make_client


@pytest.fixture
def client(graph_store):
    with make_client(graph_store) as c:
        yield c


def _names(body: dict) -> list[str]:
    return [r["name"] for r in body["rows"]]


def test_labels_with_counts(client):
    labels = {r["label"]: r for r in client.get("/browse").json()}
    assert labels["Library"]["count"] == 7 and labels["Library"]["url"] == "/browse/Library"


def test_libraries_by_support_with_facet_counts(client):
    body = client.get("/browse/Library").json()
    assert body["total"] == 7 and body["sort"] == "support"
    assert _names(body)[:3] == ["PyTorch", "functorch", "timm"]  # support 6, 2, 2
    assert body["rows"][0]["support"] == 6
    assert body["rows"][0]["organizations"] == ["Meta AI"]
    facets = {name: {v["value"]: v["count"] for v in values}
              for name, values in body["facets"].items()}
    assert facets["organization"] == {"Meta AI": 2, "LinkedIn": 1}
    assert facets["has"]["BUILT_ON:out"] == 3 and facets["year"] == {"2021": 6}


def test_two_facets_narrow_the_rows(client):
    body = client.get("/browse/Library", params={"organization": "meta ai",
                                                 "has": "built_on"}).json()
    assert _names(body) == ["functorch"]
    assert body["filters"] == {"organization": "meta ai", "year": None, "has": ["BUILT_ON:out"]}
    both = client.get("/browse/Library", params=[("has", "BUILT_ON:out"),
                                                 ("has", "IMPLEMENTS:out")]).json()
    assert _names(both) == ["timm"]
    incoming = client.get("/browse/Architecture", params={"has": "IMPLEMENTS:in"}).json()
    assert _names(incoming) == ["MLP-Mixer"]


def test_year_sort_and_pages(client):
    recent = client.get("/browse/Architecture", params={"sort": "recent",
                                                         "year": "2021"}).json()
    assert _names(recent)[-1] == "MLP-Mixer"  # 2021-05-04, from its paper; the rest 05-10
    assert recent["rows"][-1]["date"] == "2021-05-04"
    assert client.get("/browse/Architecture", params={"year": "2020"}).json()["total"] == 0
    first = client.get("/browse/Library", params={"sort": "name", "per_page": 3}).json()
    assert first["pages"] == 3 and first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).json()
    assert second["page"] == 2 and second["links"]["prev"] == first["links"]["self"]
    everything = _names(first) + _names(second) + _names(client.get(second["links"]["next"]).json())
    assert sorted(everything) == sorted(_names(client.get("/browse/Library").json()))
    assert len(set(everything)) == 7


def test_csv_is_the_same_rows(client):
    body = client.get("/browse/Library", params={"organization": "Meta AI"}).json()
    response = client.get(body["links"]["csv"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["name"] for r in rows] == _names(body) == ["PyTorch", "functorch"]
    assert rows[0]["url"] == "/entities/Library/pytorch" and rows[0]["support"] == "6"


def test_bad_facets_are_clear_errors(client):
    assert client.get("/browse/Gadget").status_code == 404
    unknown = client.get("/browse/Library", params={"organization": "Metta AI"})
    assert unknown.status_code == 404
    assert unknown.json()["suggestions"][0]["name"] == "Meta AI"
    assert client.get("/browse/Library", params={"has": "LIKES"}).status_code == 400
    assert client.get("/browse/Library", params={"has": "IMPLEMENTS:sideways"}).status_code == 400
    assert client.get("/browse/Library", params={"year": "21"}).status_code == 400
    assert client.get("/browse/Library", params={"sort": "random"}).status_code == 400


@pytest.mark.parametrize("path,params,first", [
    ("neighbors", {"name": "GreyKite"},
     {"relation": "DEVELOPED_BY", "direction": "out", "neighbor": "LinkedIn",
      "label": "Organization", "support": 1}),
    ("authors", {"name": "2105.01601"},
     {"paper": "MLP-Mixer: An all-MLP Architecture for Vision", "arxiv_id": "2105.01601",
      "published": None, "author": "Ilya Tolstikhin"}),
    ("datasets", {"name": "MLP Mixer"},
     {"dataset": "ImageNet", "relation": "EVALUATED_ON", "support": 1}),
])
def test_the_query_panels_lineage_routes(client, path, params, first):
    # the web page's query panel runs these without a key, as it does the older routes
    body = client.get(f"/lineage/{path}", params=params).json()
    assert body["query"] == path and body["rows"][0] == first


def test_entity_page_links_code_and_summary(client):
    paper = client.get("/entities/Paper/arxiv:2105.01601").json()
    assert {link["kind"]: link["url"] for link in paper["links"]} == {
        "arXiv": "https://arxiv.org/abs/2105.01601", "PDF": "https://arxiv.org/pdf/2105.01601",
        "Hugging Face": "https://huggingface.co/papers/2105.01601"}
    # the paper's architecture's implementations count as its code
    assert paper["implementations"] == ["PyTorch", "TensorFlow", "timm"]
    assert "written by Ilya Tolstikhin and evaluated on ImageNet. It introduces MLP-Mixer. " \
           "timm implements it." in paper["summary"]
    timm = client.get("/entities/Library/timm").json()
    assert timm["links"] == [{"kind": "GitHub",
                              "url": "https://github.com/huggingface/pytorch-image-models"}]
    assert "implementations" not in timm
