"""POST /ingest extracts off the event loop, within a per-request time budget
(issue 13 item 4): /healthz answers while a large document is being extracted, and
a request past its budget answers 503 with the reason and writes nothing."""
from __future__ import annotations

import threading
from pathlib import Path

from api_support import API_KEY, dump, make_client

SEED = Path(__file__).parent / "fixtures" / "newsletters" / "seed-issue.txt"
# ordinary prose, a few hundred kilobytes: seconds of extraction, under the body limit
LARGE = {"id": "large-1", "kind": "newsletter", "title": "A long issue",
         "text": (SEED.read_text() + "\n\n") * 40}
HEADERS = {"X-API-Key": API_KEY}


def test_healthz_answers_while_a_large_document_is_extracted(graph_store):
    answers: dict[str, object] = {}
    with make_client(graph_store, ingest_budget=3600) as client:
        def post():
            answers["ingest"] = client.post("/ingest", json={"documents": [LARGE]},
                                            headers=HEADERS)
        thread = threading.Thread(target=post)
        thread.start()
        during = []
        while thread.is_alive():
            status = client.get("/healthz").status_code
            if thread.is_alive():  # answered while the ingest was still running
                during.append(status)
        thread.join()
    assert during and set(during) == {200}
    assert answers["ingest"].status_code == 200, answers["ingest"].text
    assert answers["ingest"].json()["loaded"] == 1


def test_past_its_budget_an_ingest_answers_503_and_writes_nothing(graph_store):
    client = make_client(graph_store, ingest_budget=0.05)
    before = dump(graph_store)
    with client:
        r = client.post("/ingest", json={"documents": [LARGE, {"id": "empty-1", "kind": "newsletter", "text": " "}]},
                        headers=HEADERS)
        assert r.status_code == 503, r.text
        body = r.json()
        assert "budget" in body["detail"] and "nothing was written" in body["detail"]
        assert body["budget_s"] == 0.05
        assert client.get("/healthz").status_code == 200
    # leaving the client waits for the worker: its extraction ends, it writes nothing
    assert dump(graph_store) == before
    assert graph_store.quarantined() == []
