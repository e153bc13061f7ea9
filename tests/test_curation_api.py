"""/curation and /facts on both real stores: keys with names (the name is the author),
without a key, a wrong key; reject then confirm through fact ids; the entity page
shows each relation's evidence, extractor and confidence or its curation."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from api.settings import Settings, named_key
from api_support import make_client

FACT = "IMPLEMENTS|Library|pytorch|Architecture|mlpmixer"


@pytest.fixture
def client(graph_store):
    with make_client(graph_store, api_keys=("alice:s3cret", "plainkey")) as c:
        yield c


def test_key_names_and_the_single_key_setting():
    assert named_key("alice:s3cret", 0) == ("alice", "s3cret")
    assert named_key("plainkey", 1) == ("key-2", "plainkey")
    env = Settings.from_env({"MLKG_API_KEYS": "k1"})
    assert env.named_keys() == [("key-1", "k1")]
    env = Settings.from_env({"MLKG_API_KEYS": "ops:k1, k2"})
    assert env.named_keys() == [("ops", "k1"), ("key-2", "k2")]


def test_write_routes_need_a_key(client):
    body = {"fact": FACT, "reason": "x"}
    assert client.post("/curation/reject", json=body).status_code == 401
    assert client.post("/curation/reject", json=body,
                       headers={"X-API-Key": "nope"}).status_code == 403
    assert client.post("/curation/merge", json={"name": "a", "into": "b"}).status_code == 401
    assert client.post("/curation/abc/undo").status_code == 401
    # reading needs none, and nothing was recorded
    assert client.get("/curation").json()["curations"] == []


def test_reject_confirm_undo_with_the_keys_name_as_author(client):
    r = client.post("/curation/reject", json={"fact": FACT, "reason": "wrong"},
                    headers={"X-API-Key": "s3cret"})
    assert r.status_code == 200, r.text
    record = r.json()
    assert record["author"] == "alice" and record["action"] == "reject"
    assert record["before"]["exists"] is True and record["fact"] == FACT
    libs = client.get("/lineage/implementations", params={"name": "MLP-Mixer"}).json()["rows"]
    assert {"library": "PyTorch"} not in libs
    fact = client.get(f"/facts/{quote(FACT)}").json()
    assert fact["status"] == "rejected" and fact["curation"]["author"] == "alice"
    assert fact["sources"] and all(s["sentence"] and s["extractor"] == "fixture"
                                   for s in fact["sources"])
    page = client.get("/entities/Library/pytorch").json()
    rel = next(x for x in page["relations"] if x["fact"] == FACT)
    assert rel["rejected"] and rel["curation"]["reason"] == "wrong"
    assert rel["evidence"][0]["extractor"] == "fixture" and rel["evidence"][0]["confidence"]
    # confirm (assert) it with the other key: the bare key's name is recorded
    r = client.post("/curation/assert", json={"fact": FACT, "reason": "checked the repo"},
                    headers={"X-API-Key": "plainkey"})
    assert r.status_code == 200 and r.json()["author"] == "key-2"
    assert client.get(f"/facts/{quote(FACT)}").json()["status"] == "asserted"
    libs = client.get("/lineage/implementations", params={"name": "MLP-Mixer"}).json()["rows"]
    assert {"library": "PyTorch"} in libs
    undone = client.post(f"/curation/{r.json()['id']}/undo", headers={"X-API-Key": "s3cret"})
    assert undone.json()["status"] == "undone" and undone.json()["undone_by"] == "alice"
    # the earlier rejection is in force again
    assert client.get(f"/facts/{quote(FACT)}").json()["status"] == "rejected"
    log = client.get("/curation").json()["curations"]
    assert [c["action"] for c in log] == ["assert", "reject"]


def test_names_resolve_and_errors_say_why(client):
    key = {"X-API-Key": "s3cret"}
    r = client.post("/curation/reject", json={"head": "torch", "type": "implements",
                                              "tail": "mlp mixer", "reason": "x"}, headers=key)
    assert r.status_code == 200 and r.json()["fact"] == FACT
    r = client.post("/curation/merge", json={"name": "Nope Net", "into": "PyTorch"}, headers=key)
    assert r.status_code == 404 and "no entity is called" in r.json()["detail"]
    r = client.post("/curation/assert", json={"head": "JAX", "type": "DEVELOPED_BY",
                                              "tail": "Google", "reason": "x"}, headers=key)
    assert r.status_code == 400 and "reference" in r.json()["detail"]
    assert client.get("/facts/nonsense").status_code == 400
    assert client.get(f"/facts/{quote('USES|Architecture|x|Architecture|y')}").status_code == 404
    r = client.post("/curation/retype", json={"name": "JAX", "label": "Gizmo"}, headers=key)
    assert r.status_code == 400


def test_a_merged_away_key_redirects(client):
    key = {"X-API-Key": "s3cret"}
    r = client.post("/curation/merge", json={"name": "Meta AI", "into": "Google",
                                             "reason": "test"}, headers=key)
    assert r.status_code == 200, r.text
    page = client.get("/entities/Organization/metaai").json()
    assert page["key"] == "google" and page["redirected_from"]["key"] == "metaai"
    assert "Meta AI" in page["aliases"]
    client.post(f"/curation/{r.json()['id']}/undo", headers=key)
    assert client.get("/entities/Organization/metaai").json()["key"] == "metaai"


def test_the_workbench_leaves_a_rejected_fact_out(client):
    # the page's summary and code card, the browse pages and the panel's datasets route
    # tell what the graph stands by; the relation itself stays on the page, marked
    key = {"X-API-Key": "s3cret"}
    mixer = client.get("/entities/Architecture/mlpmixer").json()
    assert "PyTorch and TensorFlow implement it" in mixer["summary"]
    before = {r["name"]: r for r in client.get("/browse/Library").json()["rows"]}
    assert "IMPLEMENTS:out" in before["PyTorch"]["relations"]
    for head, rtype, tail in (("PyTorch", "IMPLEMENTS", "MLP-Mixer"),
                              ("MLP-Mixer", "TRAINED_ON", "JFT-300M")):
        r = client.post("/curation/reject", json={"head": head, "type": rtype, "tail": tail,
                                                  "reason": "test"}, headers=key)
        assert r.status_code == 200, r.text
    mixer = client.get("/entities/Architecture/mlpmixer").json()
    assert "TensorFlow implements it" in mixer["summary"] and "PyTorch" not in mixer["summary"]
    assert "JFT-300M" not in mixer["summary"]
    assert mixer["implementations"] == ["TensorFlow", "timm"]
    assert next(r for r in mixer["relations"] if r["fact"] == FACT)["rejected"]
    after = {r["name"]: r for r in client.get("/browse/Library").json()["rows"]}
    assert "IMPLEMENTS:out" not in after["PyTorch"]["relations"]
    assert after["PyTorch"]["support"] < before["PyTorch"]["support"]
    pytorch_implements = client.get("/browse/Library", params={"has": "IMPLEMENTS:out"}).json()
    assert "PyTorch" not in _names(pytorch_implements)
    datasets = client.get("/lineage/datasets", params={"name": "MLP-Mixer"}).json()["rows"]
    assert [d["dataset"] for d in datasets] == ["ImageNet"]
    # a rejected entity leaves the browse pages too
    r = client.post("/curation/reject", json={"entity": "JAX", "reason": "test"}, headers=key)
    assert r.status_code == 200, r.text
    assert "JAX" not in _names(client.get("/browse/Library").json())


def _names(body: dict) -> list[str]:
    return [r["name"] for r in body["rows"]]
