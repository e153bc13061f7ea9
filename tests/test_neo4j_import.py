"""``kg export --format neo4j-import`` round-trips through Neo4j's own offline importer
(``neo4j-admin database import full``, run from the Maven-built classpath by
``tools/neo4j_server.py import``): a fresh Neo4j started on the imported database
holds the same graph, and every named query answers as on the incrementally loaded
store; the weekly job's incremental MERGE then goes on on top of it."""
from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import queries as named_queries
from conftest import unavailable
from graph_dump import dump_graph
from ingest.pipeline import Ingestor
from ingest.sources import read_path
from kg.export.neo4j_import import ARRAY_DELIMITER, finish_import
from kg.models import Document
from kg.schema import Label
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"

pytestmark = pytest.mark.neo4j


def _server_module():
    spec = importlib.util.spec_from_file_location("neo4j_server", ROOT / "tools/neo4j_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


@pytest.fixture(scope="module")
def loaded(_neo4j_store, extractor):
    """The incrementally loaded store: the seed issue and 120 arXiv records."""
    _neo4j_store.clear()
    docs = list(read_path(str(CORPUS / "seed-issue.txt")))
    docs += list(read_path(str(CORPUS / "arxiv-potw.jsonl")))[:120]
    # a tricky value or two: quotes, a comma, a line break, an empty title
    docs.append(Document("odd \"quoted\", id", "newsletter",
                         'PyTorch Lightning is built on "PyTorch";\nGreyKite,\tby LinkedIn.',
                         title=""))
    Ingestor(_neo4j_store, extractor).ingest_documents(docs)
    # curation records and marks (rejected, asserted) are part of the graph too
    from kg.curation import Curator
    curator = Curator(_neo4j_store)
    curator.reject_fact("PyTorch Lightning", "BUILT_ON", "PyTorch", reason="test", author="t")
    curator.assert_fact("GreyKite", "DEVELOPED_BY", "LinkedIn", reference="https://x.test/",
                        reason="test", author="t")
    assert _neo4j_store.read("MATCH (c:Curation) RETURN count(c) AS c")[0]["c"] == 2
    return _neo4j_store


@pytest.fixture(scope="module")
def imported(loaded, tmp_path_factory):
    server_module = _server_module()
    if not server_module.java_and_maven_available():
        unavailable("Java/Maven are missing to run neo4j-admin database import")
    out = tmp_path_factory.mktemp("neo4j-import")
    export = subprocess.run(
        [sys.executable, "-m", "kg.cli", "export", "--format", "neo4j-import", "--output",
         str(out / "csv"), "--store", _uri(loaded)], capture_output=True, text=True,
        cwd=ROOT)
    assert export.returncode == 0, export.stderr
    home = out / "home"
    server_module.import_csv(out / "csv", home)
    server = server_module.start(data_dir=home)
    try:
        with open_store(server.uri) as store:
            finish_import(store)
            yield store, out / "csv"
    finally:
        server.stop()


def _uri(store) -> str:
    return store.uri


def test_files_follow_the_importer_header_conventions(imported):
    _, out = imported
    with open(out / "nodes-Library-1.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[:2] == ["key:ID(Library)", ":LABEL"]
    assert "aliases:string[]" in header and "name:string" in header
    with open(out / "rels-MENTIONS-Source-Library-1.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[:3] == [":START_ID(Source)", ":END_ID(Library)", ":TYPE"]
    with open(next(out.glob("rels-IMPLEMENTS-*.csv")), encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert {"support:long", "confidence:double", "evidence:string[]",
            "sources:string[]"} <= set(header)
    args = (out / "import.args").read_text().split()
    assert "--array-delimiter=U+001F" in args and ARRAY_DELIMITER == "\x1f"


def test_the_imported_graph_is_the_loaded_graph(loaded, imported):
    store, _ = imported
    assert store.counts() == loaded.counts()
    assert dump_graph(store, ignore=()) == dump_graph(loaded, ignore=())


def _param_sets(store) -> dict[str, list[dict]]:
    """Parameters for every named query: names of real entities, a path, a date."""
    names = [r["name"] for r in store.read(
        "MATCH (n:Entity) RETURN n.name AS name ORDER BY n.key LIMIT 40")]
    names += ["PyTorch", "GreyKite", "LinkedIn", "MLP-Mixer", "functorch", "no such thing"]
    keyed = store.read("MATCH (n:Entity) RETURN n.label AS label, n.key AS key "
                       "ORDER BY n.key LIMIT 20")
    sets: dict[str, list[dict]] = {}
    for name, query in named_queries.catalog().items():
        params = set(query.params)
        if name.startswith("export_import_"):
            continue   # pages by internal node/relationship ids, which an import renumbers
        if not params:
            sets[name] = [{}]
        elif params == {"name"}:
            sets[name] = [{"name": n} for n in names]
        elif params == {"label"}:
            sets[name] = [{"label": str(lab)} for lab in Label]
        elif params == {"organization"}:
            sets[name] = [{"organization": n} for n in names]
        elif params == {"label", "key"}:
            sets[name] = keyed
        elif params == {"since"}:
            sets[name] = [{"since": "2000-01-01"}]
        elif params == {"from", "to"}:
            sets[name] = [{"from": "PyTorch Lightning", "to": "PyTorch"},
                          {"from": names[0], "to": names[5]}]
        elif params == {"q"}:
            sets[name] = [{"q": q} for q in ("pytorch", "GreyKit", "transformer", "mixer")]
        elif params == {"norms"}:
            sets[name] = [{"norms": ["pytorch", "linkedin", "nothing"]}]
        else:
            pytest.fail(f"named query {name} has parameters this test does not know: {params}")
    return sets


# Rows are compared as multisets: the order of rows that tie on a query's ORDER BY
# (two entities behind one alias in `mentions`), of an unsorted query (`names`) and of
# a list collected without order is the store's layout, which an import changes.
UNORDERED = {"export_sources": ("mentions",), "browse": ("relations", "organizations")}


def _canon(name: str, rows: list[dict]) -> list:
    columns = UNORDERED.get(name, ())
    rows = [{**r, **{c: sorted(r[c], key=str) for c in columns if r.get(c)}} for r in rows]
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def test_every_named_query_answers_as_on_the_loaded_store(loaded, imported):
    store, _ = imported
    answered = 0
    for name, param_sets in _param_sets(loaded).items():
        for params in param_sets:
            expected = _canon(name, loaded.run_query(name, params))
            assert _canon(name, store.run_query(name, params)) == expected, (name, params)
            answered += bool(expected)
    assert answered > 50


def test_incremental_loading_goes_on_after_the_import(loaded, imported, extractor):
    store, _ = imported
    more = [Document("after-import", "newsletter",
                     "Zanzibar is a new library built on PyTorch, developed by LinkedIn.")]
    for target in (loaded, store):
        report = Ingestor(target, extractor).ingest_documents(more)
        assert report.loaded == 1
    assert dump_graph(store, ignore=("first_seen", "last_seen")) == \
        dump_graph(loaded, ignore=("first_seen", "last_seen"))


def test_import_sh_runs_neo4j_admin_with_the_same_arguments(imported, tmp_path):
    _, out = imported
    echo = tmp_path / "neo4j-admin"
    echo.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
    echo.chmod(0o755)
    done = subprocess.run([str(out / "import.sh"), "--overwrite-destination"],
                          env={"NEO4J_ADMIN": str(echo), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    args = (out / "import.args").read_text().split()
    assert done.stdout.split() == ["database", "import", "full", *args,
                                   "--overwrite-destination", "neo4j"]
