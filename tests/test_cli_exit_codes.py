"""A CLI that never lies: exit codes (0 ok, 1 documents quarantined, 2 usage or
input error, 3 store unreachable), no silent new store for reading commands, the
default store announced, `--store FILE` a clear error, dates parsed or refused,
and `kg ingest` recorded as an IngestRun. Against the real embedded store."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.cli.options import parse_since

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "corpus" / "seed-issue.txt"
READERS = [("stats",), ("query", "upstream", "-p", "name=x"), ("runs",), ("quarantine", "list"),
           ("changes", "--since", "2026-01-01"), ("export", "--format", "json"),
           ("cypher", "RETURN 1"), ("analyze",), ("store", "status"), ("store", "stop")]


def _kg(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


def test_help_documents_the_exit_codes():
    result = _kg("--help")
    assert result.exit_code == 0
    assert "Exit codes: 0" in result.output and "3 the store could not be reached" in result.output


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_reading_command_on_a_missing_store_fails_and_creates_nothing(tmp_path, command):
    missing = tmp_path / "no-such-store"
    result = _kg(*command, "--store", str(missing))
    assert result.exit_code == 2, result.output
    assert "no store at" in result.output and "kg ingest creates one" in result.output
    assert not missing.exists()


@pytest.mark.parametrize("command", [("stats",), ("ingest", str(SEED))], ids=" ".join)
def test_store_naming_a_file_or_a_foreign_directory_is_a_clear_error(tmp_path, command):
    a_file = tmp_path / "passwd"
    a_file.write_text("root:x:0:0\n")
    result = _kg(*command, "--store", str(a_file))
    assert result.exit_code == 2 and "is a file, not a store directory" in result.output
    assert "Traceback" not in result.output
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    mode = folder.stat().st_mode
    result = _kg(*command, "--store", str(folder))
    assert result.exit_code == 2 and "not an mlkg store" in result.output
    assert folder.stat().st_mode == mode  # not made private, no server started in it
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_the_default_store_is_announced(tmp_path, monkeypatch):
    monkeypatch.delenv("MLKG_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from kg.store import default_store_path
    result = _kg("stats")
    assert f"using the default store at {default_store_path()}" in result.output
    assert result.exit_code == 2 and "no store at" in result.output


def test_ingest_creates_a_store_says_so_and_records_its_run(tmp_path):
    data = tmp_path / "graph"
    made = _kg("ingest", str(SEED), "--store", str(data))
    assert made.exit_code == 0, made.output
    assert f"creating a new store at {data}" in made.output
    again = _kg("ingest", str(SEED), "--store", str(data))
    assert again.exit_code == 0 and "creating" not in again.output
    runs = json.loads(_kg("runs", "--store", str(data), "--format", "json").output)
    assert [(r["job"], r["status"]) for r in runs] == [("ingest", "succeeded")] * 2
    assert runs[1]["loaded"] == 15 and runs[0]["unchanged"] == 15
    assert json.loads(runs[0]["params"])["paths"] == [str(SEED)]
    stats = _kg("stats", "--store", str(data), "--format", "json")
    assert stats.exit_code == 0 and json.loads(stats.output)["labels"]["Library"] > 0


def test_ingest_exit_codes_for_missing_paths_and_quarantined_documents(tmp_path):
    data = tmp_path / "graph"
    missing = _kg("ingest", str(tmp_path / "typo.txt"), "--store", str(data))
    assert missing.exit_code == 2 and "no such file or directory" in missing.output
    assert not data.exists()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SEED.read_text())
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02binary\xff" * 100)
    partial = _kg("ingest", str(folder), "--store", str(data))
    assert partial.exit_code == 1, partial.output
    assert "1 document(s) quarantined" in partial.output
    runs = json.loads(_kg("runs", "--store", str(data), "--format", "json").output)
    assert runs[0]["status"] == "partial" and runs[0]["errors"] == 1 and runs[0]["loaded"] == 15


def test_an_unreachable_store_exits_3(tmp_path):
    data = tmp_path / "graph"
    (data / "appendonlydir").mkdir(parents=True)
    (data / "appendonlydir" / "appendonly.aof.manifest").write_text("not a manifest\n")
    result = _kg("stats", "--store", str(data))
    assert result.exit_code == 3, result.output
    assert "StoreUnavailable" in result.output


@pytest.mark.parametrize("text", ["yesterday", "today", "7d", "2w", "12h", "2026-11-22",
                                  "2026-11-22T08:00:00+02:00"])
def test_changes_accepts_iso_and_relative_dates(graph_store, store_spec, text):
    result = _kg("changes", "--since", text, "--store", store_spec, "--format", "json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text", ["last week", "2026-13-01", "7 parsecs", ""])
def test_changes_refuses_what_is_not_a_date(tmp_path, text):
    result = _kg("changes", "--since", text, "--store", str(tmp_path / "unused"))
    assert result.exit_code == 2 and "is not a date" in result.output


def test_parse_since_values():
    now = datetime(2026, 12, 7, 15, 30, tzinfo=timezone.utc)
    assert parse_since("yesterday", now=now) == "2026-12-06"
    assert parse_since("7d", now=now) == "2026-11-30"
    assert parse_since("2w", now=now) == "2026-11-23"
    assert parse_since("12h", now=now) == "2026-12-07T03:30:00+00:00"
    assert parse_since("2026-11-22T08:00:00+02:00") == "2026-11-22T06:00:00+00:00"
    with pytest.raises(click.BadParameter):
        parse_since("soon")


def test_the_progress_total_is_known_for_json_lines_only(tmp_path):
    from kg.cli.ingest import known_total
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "a"}\n\n{"id": "b"}\n{"id": "c"}\n')
    assert known_total([str(docs), str(docs)], remote=False) == 6
    assert known_total([str(docs)], remote=True) is None
    assert known_total([str(docs), str(SEED)], remote=False) is None


def test_a_command_runs_from_a_thread_other_than_the_main_one(tmp_path):
    import threading
    results = []
    thread = threading.Thread(target=lambda: results.append(
        _kg("stats", "--store", str(tmp_path / "missing"))))
    thread.start()
    thread.join()
    assert results[0].exit_code == 2 and "no store at" in results[0].output
