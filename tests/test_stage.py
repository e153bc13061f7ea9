"""``kg ingest --stage DIR`` and ``kg load-stage DIR``: extractions written as Parquet
with provenance, and loaded elsewhere into the same graph as the run that staged them.

One local Ray for the module, as in test_ray_executor.py; the CLI test's ``kg ingest``
joins it by address.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_dump import dump_graph
from ray_support import CORPUS, ROOT, docs, extractor, ray_session  # noqa: F401  (fixtures)
from ingest.extract import EXTRACTOR_VERSION, Extraction, to_contract_json
from ingest.pipeline import Ingestor


def _dump(store) -> list[str]:
    return dump_graph(store, ignore=("first_seen", "last_seen", "at"), unordered_support=True)


def _load_stage(store, root, **kwargs):
    from ingest.stage import StageReader, stage_runs
    reader = StageReader(p for run in stage_runs(root, **kwargs) for p in run["parts"])
    return Ingestor(store, executor=reader).ingest_chunks(reader.chunks())


def _staged(root) -> list[dict]:
    import pyarrow.parquet as pq
    return [row for part in sorted(Path(root).glob("*/part-*.parquet"))
            for row in pq.read_table(part).to_pylist()]


def test_a_ray_run_stages_its_extractions_and_the_stage_loads_the_same_graph(
        ray_session, extractor, graph_store, docs, tmp_path):
    from ingest.ray_executor import RayExecutor
    from ingest.stage import StageWriter, staged_pair
    with RayExecutor(concurrency=2, batch_docs=8, window_docs=40) as ex, \
            StageWriter(tmp_path, "run-1", executor="ray") as stage:
        direct = Ingestor(graph_store, extractor, batch_docs=20, executor=ex,
                          stage=stage).ingest_documents(docs)
    expected, counts = _dump(graph_store), graph_store.counts()
    assert direct.replaced == 1

    # the rows are the extractions, in load order, with their provenance
    rows = _staged(tmp_path)
    assert [r["doc_id"] for r in rows] == [d.id for d in docs]
    assert [r["seq"] for r in rows] == list(range(len(docs)))
    for row, doc in zip(rows, docs):
        assert (row["run_id"], row["content_hash"], row["source"], row["extractor_version"]) \
            == ("run-1", doc.content_hash, doc.origin, EXTRACTOR_VERSION)
        assert row["staged_at"] is not None and row["error"] is None
    pairs = [staged_pair(row) for row in rows]
    in_memory = list(extractor.extract_many(docs))
    assert [e for _, e in pairs] == in_memory
    assert [json.dumps(to_contract_json(e)) for _, e in pairs] == \
        [json.dumps(to_contract_json(e)) for e in in_memory]
    assert [d for d, _ in pairs] == docs
    info = json.loads((tmp_path / "run-1" / "_run.json").read_text())
    assert info["complete"] and info["documents"] == len(docs) and info["parts"] == 4

    # a fresh store: the same graph, without extracting (no extractor given)
    graph_store.clear()
    loaded = _load_stage(graph_store, tmp_path)
    assert (loaded.loaded, loaded.replaced, loaded.entities, loaded.relations) == \
        (direct.loaded, direct.replaced, direct.entities, direct.relations)
    assert graph_store.counts() == counts
    assert _dump(graph_store) == expected
    # again: nothing new (the changed duplicate replaces its twin, as a re-run does)
    again = _load_stage(graph_store, tmp_path)
    assert (again.loaded, again.unchanged, again.replaced) == (0, len(docs) - 2, 2)
    assert graph_store.counts() == counts
    assert _dump(graph_store) == expected


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)


def test_cli_ingest_on_ray_with_a_stage_then_load_stage(ray_session, request, tmp_path):
    from kg.store import open_store
    address = ray_session.get_runtime_context().gcs_address
    stage, direct_store, loaded_store = tmp_path / "stage", tmp_path / "a", tmp_path / "b"
    ran = _cli("ingest", "--input", str(CORPUS), "--batch-docs", "25", "--executor",
               f"ray={address}", "--concurrency", "2", "--stage", str(stage),
               "--store", str(direct_store))
    assert ran.returncode == 0, ran.stderr[-2000:]
    first = _cli("load-stage", str(stage), "--store", str(loaded_store))
    assert first.returncode == 0, first.stderr[-2000:]
    again = _cli("load-stage", str(stage), "--store", str(loaded_store))
    assert again.returncode == 0, again.stderr[-2000:]
    # nothing new; the corpus repeats two ids with other text, which replace their
    # twins again, as a second `kg ingest` of it does
    assert "loaded 0, replaced 2" in again.stdout
    graphs = []
    for path in (direct_store, loaded_store):
        with open_store(str(path)) as store:
            graphs.append((store.counts(), _dump(store), store.runs(10)))
    assert graphs[0][:2] == graphs[1][:2]
    staged_run = json.loads(next(stage.glob("*/_run.json")).read_text())["run_id"]
    assert [r["id"] for r in graphs[0][2]] == [staged_run]   # the stage names its run
    assert [r["job"] for r in graphs[1][2]] == ["load-stage", "load-stage"]


def _one_doc_stage(root, run_id="run-x"):
    from kg.models import Document, Entity
    from ingest.stage import StageWriter
    doc = Document("d1", "newsletter", "Acme released FooNet, built on PyTorch.")
    extraction = Extraction("d1", [Entity("Library", "PyTorch")])
    with StageWriter(root, run_id) as stage:
        stage.write([doc], [extraction])
    return next(Path(root).glob("*/part-*.parquet"))


def test_a_changed_row_is_quarantined_and_a_stale_stage_refused(graph_store, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from kg.errors import ConfigError
    part = _one_doc_stage(tmp_path / "edited")
    table = pq.read_table(part)
    table = table.set_column(table.schema.get_field_index("text"), "text",
                             pa.array(["Acme released BarNet."], pa.large_string()))
    pq.write_table(table, part)
    report = _load_stage(graph_store, tmp_path / "edited")
    assert report.loaded == 0
    assert [q["id"] for q in report.quarantined] == ["d1"]
    assert "content hash" in report.quarantined[0]["reason"]

    part = _one_doc_stage(tmp_path / "stale")
    table = pq.read_table(part)
    table = table.set_column(table.schema.get_field_index("extractor_version"),
                             "extractor_version", pa.array(["0.9.0"]))
    pq.write_table(table, part)
    with pytest.raises(ConfigError, match="0.9.0"):
        _load_stage(graph_store, tmp_path / "stale")
    with pytest.raises(ConfigError, match="no staged run"):
        _load_stage(graph_store, tmp_path / "stale", run_ids=["other"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no staged runs"):
        _load_stage(graph_store, tmp_path / "empty")


def test_without_pyarrow_only_a_stage_is_refused(monkeypatch, tmp_path):
    from click.testing import CliRunner
    from kg.cli import main
    inp = tmp_path / "docs.jsonl"
    inp.write_text(CORPUS.read_text().splitlines()[0] + "\n")
    monkeypatch.setitem(sys.modules, "pyarrow", None)   # as if the extra were not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    staged = CliRunner().invoke(main, ["ingest", "--input", str(inp), "--stage",
                                       str(tmp_path / "stage"), "--store", str(tmp_path / "s")])
    assert staged.exit_code == 2 and "mlkg[ray]" in staged.output
    assert not (tmp_path / "s").exists()      # refused before the store was made
    plain = CliRunner().invoke(main, ["ingest", "--input", str(inp),
                                      "--store", str(tmp_path / "s")])
    assert plain.exit_code == 0, plain.output
    assert "loaded 1" in plain.output


def test_a_killed_staging_run_has_staged_all_it_loaded_and_the_stage_converges(
        graph_store, store_spec, tmp_path):
    from kill_support import run_and_kill
    stage = tmp_path / "stage"
    cmd = [sys.executable, "-m", "kg.cli", "ingest", "--input", str(CORPUS), "--batch-docs",
           "5", "--stage", str(stage), "--store", store_spec]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run_and_kill(cmd, graph_store, lambda loading, done: done >= 50 and loading > 0,
                 cwd=ROOT, env=env)
    in_store = {r["id"] for r in graph_store.read("MATCH (s:Source) RETURN s.id AS id")}
    staged = {r["doc_id"] for r in _staged(stage)}
    assert len(in_store) > 50 and in_store <= staged   # staged before it was loaded
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    recovered, counts = _dump(graph_store), graph_store.counts()
    runs = sorted(json.loads(p.read_text())["complete"] for p in stage.glob("*/_run.json"))
    assert runs == [False, True]
    graph_store.clear()
    _load_stage(graph_store, stage)        # the killed run's files, then the re-run's
    assert graph_store.counts() == counts
    assert _dump(graph_store) == recovered
