"""Every route on both real stores: happy paths, errors, auth, limits."""
from __future__ import annotations

import pytest

from api_support import API_KEY, make_client

PROBLEM = "application/problem+json"


@pytest.fixture
def client(graph_store):
    with make_client(graph_store) as c:
        yield c


def assert_problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"] and body["title"]
    return body


def test_search_prefix_typo_and_label_filter(client):
    names = [r["name"] for r in client.get("/search", params={"q": "MLP"}).json()["results"]]
    assert "MLP-Mixer" in names
    rows = client.get("/search", params={"q": "pytorh"}).json()["results"]
    assert rows[0]["name"] == "PyTorch" and rows[0]["url"] == "/entities/Library/pytorch"
    only = client.get("/search", params={"q": "mlp", "type": "Architecture"}).json()["results"]
    assert [r["name"] for r in only] == ["MLP-Mixer"]
    assert len(client.get("/search", params={"q": "p", "limit": 2}).json()["results"]) <= 2


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "limit": 0},
                                    {"q": "x", "limit": "many"}, {"q": "x", "type": "Thing"}])
def test_search_bad_params_are_400(client, params):
    assert_problem(client.get("/search", params=params), 400)


def test_entity_page_has_properties_relations_evidence_sources(client):
    e = client.get("/entities/Architecture/mlpmixer").json()
    assert e["name"] == "MLP-Mixer" and e["label"] == "Architecture"
    assert e["aliases"] == ["MLP Mixer", "Mixer"] and e["keys"]["key"] == "mlpmixer"
    impl = {o["name"] for o in e["lineage"]["implemented_by"]}
    assert impl == {"PyTorch", "TensorFlow"}
    assert [o["name"] for o in e["lineage"]["developed_by"]] == ["Google"]
    assert [o["name"] for o in e["lineage"]["introduced_in"]] == \
        ["MLP-Mixer: An all-MLP Architecture for Vision"]
    pytorch = next(r for r in e["relations"]
                   if r["relation"] == "IMPLEMENTS" and r["other"]["name"] == "PyTorch")
    assert pytorch["support"] == 2 and pytorch["direction"] == "in"
    sentences = {ev["sentence"] for ev in pytorch["evidence"]}
    assert "MLP-Mixer is available in both TensorFlow and PyTorch." in sentences
    first = pytorch["evidence"][0]["source"]
    assert first["url"].startswith("https://") and first["published"]
    assert {s["id"] for s in e["sources"]} == {"news-08-mlp-mixer", "arxiv:2105.01601"}


def test_paper_entity_keys_include_arxiv_id(client):
    e = client.get("/entities/Paper/arxiv:2105.01601").json()
    assert e["keys"] == {"key": "arxiv:2105.01601", "arxiv_id": "2105.01601"}
    assert {o["name"] for o in e["lineage"]["introduces"]} == {"MLP-Mixer"}


def test_unknown_entity_is_404_with_suggestions(client):
    body = assert_problem(client.get("/entities/Library/pytorhc"), 404)
    assert body["suggestions"][0]["name"] == "PyTorch"
    assert body["suggestions"][0]["url"] == "/entities/Library/pytorch"
    body = assert_problem(client.get("/entities/Framework/pytorch"), 404)
    assert "Library" in body["allowed_labels"]


@pytest.mark.parametrize("path,params,expect", [
    ("implementations", {"name": "MLP-Mixer"},
     [{"library": "PyTorch"}, {"library": "TensorFlow"}, {"library": "timm"}]),
    ("upstream", {"name": "functorch"}, [{"name": "PyTorch", "label": "Library", "depth": 1}]),
    ("upstream", {"name": "TSMixer", "max_depth": 1},
     [{"name": "MLP-Mixer", "label": "Architecture", "depth": 1}]),
    ("downstream", {"name": "torch"}, [{"name": "PyTorch3D", "label": "Library", "depth": 1},
                                       {"name": "functorch", "label": "Library", "depth": 1},
                                       {"name": "timm", "label": "Library", "depth": 1}]),
    ("developers", {"name": "GreyKite"}, [{"developer": "LinkedIn", "label": "Organization"}]),
    ("introduced_in", {"name": "mlp mixer"},
     [{"paper": "MLP-Mixer: An all-MLP Architecture for Vision", "arxiv_id": "2105.01601"}]),
    ("releases", {"organization": "Meta AI"},
     [{"artifact": "PyTorch", "label": "Library"}, {"artifact": "functorch", "label": "Library"}]),
    ("path", {"from": "functorch", "to": "TSMixer"},
     [{"nodes": ["functorch", "PyTorch", "MLP-Mixer", "TSMixer"],
       "relations": ["BUILT_ON", "IMPLEMENTS", "BUILT_ON"], "length": 3}]),
])
def test_lineage_routes_run_their_named_query(client, path, params, expect):
    body = client.get(f"/lineage/{path}", params=params).json()
    assert body["query"] == path and body["rows"] == expect


def test_lineage_unknown_name_is_404_with_suggestions(client):
    body = assert_problem(client.get("/lineage/implementations", params={"name": "MLP Mixr"}), 404)
    assert body["suggestions"][0]["name"] == "MLP-Mixer" and body["param"] == "name"
    body = assert_problem(client.get("/lineage/path", params={"from": "functorch",
                                                               "to": "Tensorflw"}), 404)
    assert body["param"] == "to" and body["suggestions"][0]["name"] == "TensorFlow"


@pytest.mark.parametrize("path,params", [
    ("implementations", {}), ("upstream", {"name": "functorch", "max_depth": "ten"}),
    ("upstream", {"name": "functorch", "max_depth": 0}), ("path", {"from": "functorch"}),
    ("releases", {"name": "Meta AI"}), ("developers", {"name": "---"}),
])
def test_lineage_bad_params_are_400(client, path, params):
    assert_problem(client.get(f"/lineage/{path}", params=params), 400)


def test_queries_catalog_and_run(client):
    catalog = {q["name"]: q for q in client.get("/queries").json()}
    assert catalog["upstream"]["params"] == ["name"]
    assert catalog["upstream"]["optional"] == {"max_depth": "10", "include_rejected": "false"}
    assert "BUILT_ON" in catalog["upstream"]["description"]
    key = {"X-API-Key": API_KEY}
    r = client.post("/queries/developers", json={"params": {"name": "GreyKite"}}, headers=key)
    assert r.json()["rows"] == [{"developer": "LinkedIn", "label": "Organization"}]
    r = client.post("/queries/developers", json={"name": "GreyKite"}, headers=key)  # bare params
    assert r.json()["count"] == 1


@pytest.mark.parametrize("name,body", [
    ("nope", {}), ("developers", {}), ("developers", {"params": {"name": "x", "bogus": 1}}),
    ("upstream", {"params": {"name": "x", "max_depth": "deep"}}),
    ("developers", {"params": {"name": {"nested": "map"}}}),
])
def test_named_query_errors_are_400(client, name, body):
    assert_problem(client.post(f"/queries/{name}", json=body,
                               headers={"X-API-Key": API_KEY}), 400)


def test_cypher_needs_a_valid_key(client):
    body = {"query": "MATCH (n:Library) RETURN n.name AS name"}
    r = client.post("/cypher", json=body)
    assert_problem(r, 401)
    assert "X-API-Key" in r.json()["detail"] and r.headers["www-authenticate"]
    assert_problem(client.post("/cypher", json=body, headers={"X-API-Key": "wrong"}), 403)
    ok = client.post("/cypher", json=body, headers={"X-API-Key": API_KEY})
    assert ok.status_code == 200 and ok.json()["count"] == 7


def test_cypher_row_limit_and_params(client):
    r = client.post("/cypher", headers={"X-API-Key": API_KEY}, json={
        "query": "MATCH (n:Library) WHERE n.name STARTS WITH $p RETURN n.name AS name "
                 "ORDER BY name", "params": {"p": "Py"}, "limit": 1}).json()
    assert r["rows"] == [{"name": "PyTorch"}] and r["truncated"] is True


def test_cypher_syntax_error_is_400(client):
    body = assert_problem(client.post("/cypher", headers={"X-API-Key": API_KEY},
                                      json={"query": "MATCH (n RETURN n"}), 400)
    assert "could not run" in body["detail"]


def test_server_without_keys_refuses_writes(graph_store):
    with make_client(graph_store, api_keys=()) as c:
        r = c.post("/cypher", json={"query": "RETURN 1"}, headers={"X-API-Key": "anything"})
        assert_problem(r, 403)
        assert "MLKG_API_KEYS" in r.json()["detail"]


def test_request_body_limit_is_413(graph_store):
    with make_client(graph_store, max_body_bytes=2000) as c:
        big = {"query": "RETURN 1", "params": {"x": "y" * 5000}}
        assert_problem(c.post("/cypher", json=big, headers={"X-API-Key": API_KEY}), 413)

        def chunks():  # no Content-Length: the streamed body is counted
            for _ in range(10):
                yield b" " * 1000
        r = c.post("/queries/developers", content=chunks(),
                   headers={"content-type": "application/json", "X-API-Key": API_KEY})
        assert_problem(r, 413)


def test_result_size_limit_is_413(graph_store):
    with make_client(graph_store, max_result_bytes=300) as c:
        r = c.post("/cypher", headers={"X-API-Key": API_KEY},
                   json={"query": "MATCH (n:Entity) RETURN n.name AS name"})
        assert_problem(r, 413)
        assert_problem(c.get("/lineage/implementations", params={"name": "MLP-Mixer"}), 413)


def test_ingest_requires_a_key(client):
    assert_problem(client.post("/ingest", json={"documents": []}), 401)
    assert_problem(client.post("/ingest", json={"documents": []},
                               headers={"X-API-Key": "nope"}), 403)
    r = client.post("/ingest", json={"documents": [{"id": "x", "bogus": 1}]},
                    headers={"X-API-Key": API_KEY})
    assert r.status_code in (400, 503)


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/metrics", None),
    ("POST", "/queries/developers", {"params": {"name": "GreyKite"}}),
])
def test_metrics_and_named_queries_need_a_key_unless_public_read(graph_store, method, path,
                                                                  body):
    with make_client(graph_store) as c:
        assert_problem(c.request(method, path, json=body), 401)
        assert_problem(c.request(method, path, json=body, headers={"X-API-Key": "nope"}), 403)
        assert c.request(method, path, json=body,
                         headers={"X-API-Key": API_KEY}).status_code == 200
    with make_client(graph_store, public_read=True) as c:
        assert c.request(method, path, json=body).status_code == 200


def test_public_read_comes_from_the_environment():
    from api.settings import Settings
    assert Settings.from_env({}).public_read is False
    assert Settings.from_env({"MLKG_PUBLIC_READ": "true"}).public_read is True


def test_changes_validates_since(client):
    assert_problem(client.get("/changes", params={"since": "last tuesday"}), 400)
    r = client.get("/changes", params={"since": "2020-01-01"})
    assert r.status_code in (200, 503)


def test_health_metrics_docs_page(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["nodes"] > 0
    client.get("/lineage/developers", params={"name": "GreyKite"})
    text = client.get("/metrics", headers={"X-API-Key": API_KEY}).text
    assert 'mlkg_http_requests_total{method="GET",route="/lineage/developers",status="200"}' in text
    assert 'mlkg_store_query_duration_seconds_count{backend="' in text
    assert "mlkg_ingest_documents_total" in text
    assert client.get("/openapi.json").json()["paths"]["/cypher"]
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "cytoscape.min.js" in page.text
    assert client.get("/static/vendor/cytoscape.min.js").status_code == 200
    assert_problem(client.get("/no/such/route"), 404)


def test_ingest_metrics_api():
    from api import metrics
    before = metrics.INGEST_DOCUMENTS.labels(outcome="loaded")._value.get()
    metrics.record_ingest_report({"loaded": 3, "replaced": 1, "unchanged": 2, "entities": 5,
                                  "relations": 4, "quarantined": [{"id": "x"}]})
    assert metrics.INGEST_DOCUMENTS.labels(outcome="loaded")._value.get() == before + 3
    metrics.count_documents("quarantined", 2)
    metrics.count_ingest_run("failed")
