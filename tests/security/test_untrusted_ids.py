"""Untrusted document ids reach the store only cleaned (kg.keys.clean_identifier).

Each variant below crashed FalkorDB 4.16 (docs/falkordb-crash-repro.md) or was
stored verbatim on Neo4j. Through POST /ingest, on both stores: the server still
answers and the document is stored under the cleaned id, or — when nothing is left
of the id — quarantined with the reason."""
from __future__ import annotations

import json

import pytest

from api_support import API_KEY, make_client
from kg.keys import MAX_KEY_BYTES, clean_identifier, entity_key, normalize_name
from kg.models import Document

TEXT = "PyTorch is a library."

# (name, raw id, the id it is stored under)
VARIANTS = [
    ("leading space", " x1", "x1"),
    ("trailing space", "x2 ", "x2"),
    ("only spaces around", "  x3  ", "x3"),
    ("leading tab", "\tx4", "x4"),
    ("trailing newline", "x5\n", "x5"),
    ("trailing CRLF", "x6\r\n", "x6"),
    ("inner tab", "a\tb7", "a b7"),
    ("inner newlines", "a\n\nb8", "a b8"),
    ("vertical tab", "x9\x0b", "x9"),
    ("form feed", "x10\x0c", "x10"),
    ("SOH control", "x11\x01", "x11"),
    ("NUL first", "\x00x12", "x12"),
    ("NUL last", "x13\x00", "x13"),
    ("DEL", "\x7fx14", "x14"),
    ("zero-width space", "x15\u200b", "x15"),
    ("byte order mark", "\ufeffx16", "x16"),
    ("bidi override", "x17\u202e", "x17"),
    ("lone surrogate", "\ud800x18", "x18"),
    ("NFD → NFC", "e\u0301-19", "\u00e9-19"),
    ("no-break space around", "\u00a0x20\u00a0", "x20"),
]
LONG = [
    ("4,097 characters", "a" * 4097),
    ("5,000 characters", "b" * 5000),
    ("100,000 characters", "c" * 100_000),
    ("3,000 two-byte characters", "\u00e9" * 3000),
    ("long with spaces and tabs", " d\t" * 3000),
]
EMPTY = [("only whitespace", " \t\n "), ("only controls", "\x00\x01\x02")]


@pytest.fixture
def client(graph_store):
    with make_client(graph_store) as c:
        yield c


def _ingest(client, ident: str):
    # json.dumps escapes a lone surrogate as \\ud800, as a hostile client would send it
    body = json.dumps({"documents": [{"id": ident, "kind": "newsletter", "text": TEXT}]})
    return client.post("/ingest", content=body,
                       headers={"X-API-Key": API_KEY, "content-type": "application/json"})


def _source(store, ident: str) -> list[dict]:
    return store.read("MATCH (s:Source {id: $id}) RETURN s.id AS id, s.status AS status, "
                      "s.original_id AS original_id", {"id": ident})


def test_crashing_ids_are_stored_cleaned_and_the_server_answers(client, graph_store):
    problems = []
    for name, raw, stored in VARIANTS:
        r = _ingest(client, raw)
        if r.status_code != 200 or r.json()["loaded"] != 1:
            problems.append((name, r.status_code, r.text[:200]))
            continue
        if client.get("/healthz").status_code != 200:
            problems.append((name, "the server no longer answers"))
            break
        if [row["id"] for row in _source(graph_store, stored)] != [stored]:
            problems.append((name, "not stored under", stored))
    assert problems == []


def test_long_ids_are_hashed_and_the_original_kept(client, graph_store):
    for name, raw in LONG:
        r = _ingest(client, raw)
        assert r.status_code == 200 and r.json()["loaded"] == 1, (name, r.text[:200])
        assert client.get("/healthz").status_code == 200, name
        key = clean_identifier(raw)
        assert len(key.encode()) <= MAX_KEY_BYTES
        rows = _source(graph_store, key)
        assert rows == [{"id": key, "status": "done",
                         "original_id": clean_identifier(raw, bounded=False)}], name


def test_distinct_long_ids_stay_distinct(client, graph_store):
    for raw in ("z" * 5000 + "1", "z" * 5000 + "2"):
        assert _ingest(client, raw).json()["loaded"] == 1
    rows = graph_store.read("MATCH (s:Source) WHERE s.id STARTS WITH 'zzz' RETURN s.id AS id")
    assert len({r["id"] for r in rows}) == 2


def test_ids_with_nothing_left_are_quarantined_with_the_reason(client, graph_store):
    sources = graph_store.read("MATCH (s:Source) RETURN count(s) AS c")[0]["c"]
    for name, raw in EMPTY:
        r = _ingest(client, raw)
        assert r.status_code == 200, (name, r.text[:200])
        assert r.json()["errors"] == 1 and r.json()["loaded"] == 0, name
        assert r.json()["quarantined"][0]["reason"] == "document has no id", name
    assert client.get("/healthz").status_code == 200
    assert graph_store.read("MATCH (s:Source) RETURN count(s) AS c")[0]["c"] == sources


def test_an_id_that_is_not_text_is_a_400(client):
    for bad in ([1, 2], {"a": 1}, None, True):
        r = client.post("/ingest", headers={"X-API-Key": API_KEY},
                        json={"documents": [{"id": bad, "kind": "newsletter", "text": TEXT}]})
        assert r.status_code == 400 and "'id' must be text" in r.json()["detail"], bad


def test_long_entity_names_get_bounded_keys():
    name = "Mixer" * 2000
    for key in (normalize_name(name), entity_key("Library", name),
                entity_key("Paper", name)):
        assert len(key.encode()) <= MAX_KEY_BYTES + len("title:")
    assert normalize_name(name) != normalize_name(name + "x")


def test_every_document_is_cleaned_however_it_is_built():
    assert Document(id=" x\t", kind="newsletter", text=TEXT).id == "x"
    assert Document.from_dict({"id": "x\n", "kind": "newsletter", "text": TEXT}).id == "x"
    assert clean_identifier(clean_identifier("\ud800 é\u0301 " * 999)) == \
        clean_identifier("\ud800 é\u0301 " * 999)
