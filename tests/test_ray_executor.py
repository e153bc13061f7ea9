"""``kg ingest --executor ray``: extraction on Ray Data actors gives the same
predictions, the same graph and the same crash convergence as the local path.

One local Ray for the module (2 CPUs, a 200 MB object store): starting Ray costs
seconds, and the executor joins a Ray that is already running instead of starting
its own. The kill -9 test's driver is a ``kg ingest`` process that joins this Ray
by address, so killing it leaves no Ray processes behind.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from graph_dump import dump_graph
from ray_support import CORPUS, ROOT, docs, extractor, ray_session  # noqa: F401  (fixtures)
from kill_support import run_and_kill
from ingest.extract import to_contract_json
from ingest.pipeline import Ingestor


def _executor(**kwargs):
    from ingest.ray_executor import RayExecutor
    return RayExecutor(concurrency=2, **kwargs)


def _dump(store) -> list[str]:
    return dump_graph(store, ignore=("first_seen", "last_seen", "at"), unordered_support=True)


def test_predictions_are_byte_identical(ray_session, extractor, docs):
    local = [json.dumps(to_contract_json(e), ensure_ascii=False)
             for e in extractor.extract_many(docs)]
    chunks = [docs[i:i + 25] for i in range(0, len(docs), 25)]
    with _executor(batch_docs=8) as ex:
        staged = list(ex.extract_chunks(chunks, lambda chunk: [True] * len(chunk)))
    assert [c for c, _ in staged] == chunks             # every chunk back, in order
    on_ray = [json.dumps(to_contract_json(e), ensure_ascii=False)
              for _, extractions in staged for e in extractions]
    assert on_ray == local
    assert sum(len(json.loads(line)["entities"]) for line in local) > 100


def test_same_graph_as_the_local_path(ray_session, extractor, graph_store, docs):
    local = Ingestor(graph_store, extractor, batch_docs=20).ingest_documents(docs)
    expected, counts = _dump(graph_store), graph_store.counts()
    graph_store.clear()
    # small windows: several Ray Data runs, chunks planned before earlier ones load
    with _executor(batch_docs=8, window_docs=40) as ex:
        ingestor = Ingestor(graph_store, extractor, batch_docs=20, executor=ex)
        on_ray = ingestor.ingest_documents(docs)
        assert on_ray.as_dict() == local.as_dict()
        assert on_ray.replaced == 1
        assert graph_store.counts() == counts
        assert _dump(graph_store) == expected
        # a second run reports and leaves what a second local run does (the changed
        # duplicate replaces its twin again, twice; everything else is unchanged)
        again = Ingestor(graph_store, extractor, batch_docs=20, executor=ex)
        again = again.ingest_documents(docs)
    assert (again.loaded, again.unchanged) == (0, len(docs) - 2)
    assert _dump(graph_store) == expected
    local_again = Ingestor(graph_store, extractor, batch_docs=20).ingest_documents(docs)
    assert again.as_dict() == local_again.as_dict()
    assert _dump(graph_store) == expected


def test_a_bad_document_is_quarantined_as_locally(ray_session, extractor, graph_store, docs):
    from kg.models import Document
    bad = [Document("empty", "newsletter", "   "), Document("nul", "newsletter", "a\x00b")]
    with _executor() as ex:
        report = Ingestor(graph_store, extractor, executor=ex).ingest_documents(
            docs[:5] + bad)
    assert report.loaded == 5
    assert sorted(q["id"] for q in report.quarantined) == ["empty", "nul"]


def test_missing_ray_is_a_clear_error(monkeypatch):
    from kg.errors import ConfigError
    from ingest.ray_executor import import_ray, parse_executor
    monkeypatch.setitem(sys.modules, "ray", None)   # as if the extra were not installed
    with pytest.raises(ConfigError, match=r"mlkg\[ray\]"):
        import_ray()
    assert parse_executor("local") == ("local", None)
    assert parse_executor("ray") == ("ray", None)
    assert parse_executor("ray=auto") == ("ray", "auto")
    for bad in ("spark", "ray=", "local=x"):
        with pytest.raises(ConfigError):
            parse_executor(bad)


def _ingest_cmd(store_spec: str, executor: str) -> list[str]:
    return [sys.executable, "-m", "kg.cli", "ingest", "--input", str(CORPUS),
            "--batch-docs", "5", "--executor", executor, "--concurrency", "2",
            "--store", store_spec]


def test_kill_9_of_the_driver_then_rerun_converges(ray_session, graph_store, store_spec):
    address = ray_session.get_runtime_context().gcs_address
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run_and_kill(_ingest_cmd(store_spec, f"ray={address}"), graph_store,
                 lambda loading, done: done >= 50 and loading > 0, cwd=ROOT, env=env, timeout=600)
    rerun = subprocess.run(_ingest_cmd(store_spec, f"ray={address}"), cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    after_crash, counts = _dump(graph_store), graph_store.counts()
    graph_store.clear()
    clean = subprocess.run(_ingest_cmd(store_spec, "local"), cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=900)
    assert clean.returncode == 0, clean.stderr[-2000:]
    assert graph_store.counts() == counts
    assert _dump(graph_store) == after_crash
