"""Commands that write the graph: ``kg ingest``, ``kg quarantine``, ``kg weekly``,
``kg changes``."""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from kg.cli.options import (Partial, echo_rows, format_option, handle_errors,
                            open_store_from_cli, parse_since, store_option)

USER_AGENT = "mlkg/0.1 (+https://github.com/mlkg/mlkg)"


def _http_client(allow_private: bool = False):
    import httpx

    from ingest.sources._http import public_only
    return httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=True,
                        headers={"User-Agent": USER_AGENT},
                        event_hooks={"request": [] if allow_private else [public_only]})


def allow_private_option(func):
    return click.option(
        "--allow-private", is_flag=True,
        help="Also fetch from loopback, private and link-local addresses (by default "
             "only public addresses are fetched, redirects included).")(func)


def known_total(paths: list[str], *, remote: bool) -> int | None:
    """How many documents the run will read, where that is cheap to know: only
    JSON-lines files (one document a line); None for anything else."""
    if remote or not paths or not all(p.endswith(".jsonl") and Path(p).is_file()
                                      for p in paths):
        return None
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


def _progress_printer(total: int | None = None):
    """A rich progress line: documents, entities, relations, errors; with a bar and
    the time left when the number of documents is known."""
    from rich.progress import (BarColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()]
    if total:
        columns[1:1] = [BarColumn(), TextColumn("{task.completed}/{task.total}")]
        columns.append(TimeRemainingColumn())
    progress = Progress(*columns, console=None, transient=False,
                        disable=not sys.stderr.isatty())
    task = progress.add_task("starting", total=total or None)

    def update(report) -> None:
        progress.update(task, completed=report.documents, description=(
            f"documents {report.documents}  loaded {report.loaded}  "
            f"unchanged {report.unchanged}  entities {report.entities}  "
            f"relations {report.relations}  errors {report.errors}"))
    return progress, update


def _summary(report) -> None:
    click.echo(f"documents {report.documents}: loaded {report.loaded}, replaced "
               f"{report.replaced}, unchanged {report.unchanged}, quarantined {report.errors}; "
               f"entities {report.entities}, relations {report.relations}")
    for item in report.quarantined[:20]:
        click.echo(f"  quarantined {item['id']} ({item['stage']}): {item['reason']}", err=True)


@click.command()
@click.argument("sources", nargs=-1)
@click.option("--input", "inputs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A documents JSONL file ({id, kind, text, …} per line); repeatable.")
@click.option("--arxiv-id", "arxiv_ids", multiple=True, metavar="ID",
              help="Fetch these papers from the arXiv API (e.g. 2105.01601); repeatable.")
@click.option("--arxiv-search", "arxiv_query", metavar="QUERY",
              help="An arXiv API search, e.g. 'cat:cs.LG AND ti:mixer'.")
@click.option("--max-results", type=int, default=100, show_default=True,
              help="With --arxiv-search: how many papers at most.")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Extraction processes.")
@click.option("--batch-docs", type=int, default=200, show_default=True,
              help="Documents per write batch.")
@click.option("--executor", "executor_spec", default="local", show_default=True,
              metavar="local|ray[=ADDRESS]",
              help="Where extraction runs: local processes (--workers), or Ray Data actors "
                   "(needs mlkg[ray]): 'ray' starts a local Ray for the run, "
                   "'ray=ray://HOST:10001' or 'ray=auto' joins an existing cluster.")
@click.option("--concurrency", type=click.IntRange(1), default=2, show_default=True,
              help="With --executor ray: extraction actors (one spaCy pipeline each).")
@click.option("--stage", "stage_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Also write every extraction the run loads as Parquet with its "
                   "provenance under DIR/<run id>/ (needs pyarrow, in mlkg[ray]); "
                   "`kg load-stage DIR` loads them into another store.")
@allow_private_option
@store_option
@handle_errors
def ingest(sources: tuple[str, ...], inputs: tuple[str, ...], arxiv_ids: tuple[str, ...],
           arxiv_query: str | None, max_results: int, workers: int, batch_docs: int,
           executor_spec: str, concurrency: int, stage_dir: str | None, allow_private: bool,
           store_spec: str | None) -> None:
    """Ingest newsletters, feeds, mail, arXiv files or folders (paths or URLs), or
    papers from the arXiv API."""
    from ingest.pipeline import Ingestor
    from ingest.runs import recorded_run
    if not (sources or inputs or arxiv_ids or arxiv_query):
        raise click.UsageError("give a PATH or URL, --input FILE, --arxiv-id or --arxiv-search")
    paths = [s for s in sources if not s.startswith(("http://", "https://"))] + list(inputs)
    urls = [s for s in sources if s.startswith(("http://", "https://"))]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:  # a typo is an error, not a quarantined document
        raise click.BadParameter(f"no such file or directory: {', '.join(missing)}",
                                 param_hint="PATH")
    executor = _executor(executor_spec, concurrency)
    if stage_dir:
        from ingest.stage import import_pyarrow
        import_pyarrow()  # a missing extra is a usage error before the store is opened
    progress, update = _progress_printer(
        known_total(paths, remote=bool(urls or arxiv_ids or arxiv_query)))
    params = {"paths": paths, "urls": urls, "arxiv_ids": list(arxiv_ids),
              "arxiv_search": arxiv_query} | ({"stage": stage_dir} if stage_dir else {})
    with executor or contextlib.nullcontext(), \
            open_store_from_cli(store_spec, create=True) as store, progress, \
            recorded_run(store, "ingest", params) as run, \
            _stage_writer(stage_dir, run.run_id, executor_spec) as stage:
        ingestor = Ingestor(store, workers=workers, batch_docs=batch_docs, on_progress=update,
                            executor=executor, stage=stage)
        run.report = ingestor.report
        ingestor.ingest_paths(paths)
        if urls or arxiv_ids or arxiv_query:
            from ingest.sources.arxiv_api import ArxivAPI
            with _http_client(allow_private) as client:
                ingestor.ingest_urls(urls, client)
                api = ArxivAPI(client)
                if arxiv_ids:
                    ingestor.ingest_stream("arxiv-api:" + ",".join(arxiv_ids),
                                           api.by_ids(arxiv_ids))
                if arxiv_query:
                    ingestor.ingest_stream(f"arxiv-api:{arxiv_query}",
                                           api.search(arxiv_query, max_results=max_results))
    _summary(ingestor.report)
    if ingestor.report.errors:
        raise Partial(f"{ingestor.report.errors} document(s) quarantined "
                      "(kg quarantine list shows why)")


def _executor(spec: str, concurrency: int):
    """None for the local path; a RayExecutor (Ray imported only now) for ``ray``."""
    from ingest.ray_executor import parse_executor
    name, address = parse_executor(spec)
    if name == "local":
        return None
    from ingest.ray_executor import RayExecutor, import_ray
    import_ray()  # a missing extra is a usage error before the store is opened
    return RayExecutor(address, concurrency=concurrency)


def _stage_writer(stage_dir: str | None, run_id: str, executor_spec: str):
    if not stage_dir:
        return contextlib.nullcontext()
    from ingest.stage import StageWriter
    return StageWriter(stage_dir, run_id, executor=executor_spec)


@click.command("load-stage")
@click.argument("stage_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.option("--run", "run_ids", multiple=True, metavar="RUN_ID",
              help="Only this staged run (its id, as `kg runs` lists it); repeatable. "
                   "Default: every run under DIR, in the order they started.")
@store_option
@handle_errors
def load_stage(stage_dir: str, run_ids: tuple[str, ...], store_spec: str | None) -> None:
    """Load extractions staged by `kg ingest --stage DIR` (e.g. extracted on a Ray
    cluster) without extracting again: resolved and loaded as `kg ingest` does, with
    the same provenance; loading a stage again changes nothing. Needs pyarrow."""
    from ingest.pipeline import Ingestor
    from ingest.runs import recorded_run
    from ingest.stage import StageReader, stage_runs
    runs = stage_runs(stage_dir, run_ids)  # checked whole before the store is opened
    for info in runs:
        if not info.get("complete"):
            click.echo(f"run {info['run_id']} did not finish (killed?): loading its "
                       f"{len(info['parts'])} whole file(s)", err=True)
    progress, update = _progress_printer(sum(info["rows"] for info in runs))
    params = {"stage": stage_dir, "runs": [info["run_id"] for info in runs]}
    with open_store_from_cli(store_spec, create=True) as store, progress, \
            recorded_run(store, "load-stage", params) as run:
        reader = StageReader(part for info in runs for part in info["parts"])
        ingestor = Ingestor(store, on_progress=update, executor=reader)
        run.report = ingestor.report
        ingestor.ingest_chunks(reader.chunks())
    _summary(ingestor.report)
    if ingestor.report.errors:
        raise Partial(f"{ingestor.report.errors} document(s) quarantined "
                      "(kg quarantine list shows why)")


@click.group()
def quarantine() -> None:
    """Documents that could not be read or extracted, with their reasons."""


@quarantine.command("list")
@store_option
@format_option
@handle_errors
def quarantine_list(store_spec: str | None, fmt: str) -> None:
    """Show quarantined items and why."""
    with open_store_from_cli(store_spec) as store:
        rows = [{k: v for k, v in r.items() if k != "payload"} for r in store.quarantined()]
    echo_rows(rows, fmt)


@quarantine.command("retry")
@click.argument("ids", nargs=-1)
@allow_private_option
@store_option
@handle_errors
def quarantine_retry(ids: tuple[str, ...], allow_private: bool, store_spec: str | None) -> None:
    """Try quarantined items again (all, or the given IDs); successes leave quarantine.

    An item is retried from its stored text, or by reading again the path or URL
    given to `kg ingest`; a document's own `origin` field is never read or fetched."""
    from ingest.pipeline import Ingestor, document_from_payload
    with open_store_from_cli(store_spec) as store:
        items = [q for q in store.quarantined() if not ids or q["id"] in ids]
        fixed = 0
        for item in items:
            ingestor = Ingestor(store)
            refetch = item.get("refetch") or ""
            if item.get("payload"):
                ingestor.ingest_documents([document_from_payload(item["payload"])])
            elif refetch.startswith(("http://", "https://")):
                with _http_client(allow_private) as client:
                    ingestor.ingest_urls([refetch], client)
            elif refetch and Path(refetch).exists():
                ingestor.ingest_paths([refetch])
            else:  # a document's own ``origin`` is never read or fetched
                click.echo(f"{item['id']}: nothing to retry from (no stored text, and no "
                           "path or URL given to `kg ingest`)", err=True)
                continue
            if ingestor.report.errors == 0:
                store.release(item["id"])
                fixed += 1
            else:
                click.echo(f"{item['id']}: still failing: "
                           f"{ingestor.report.quarantined[-1]['reason']}", err=True)
    click.echo(f"retried {len(items)}, released {fixed}")
    if fixed < len(items):
        raise Partial(f"{len(items) - fixed} item(s) still quarantined")



@click.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              required=True, help="The weekly job's TOML file (feeds, arXiv sets, store).")
@click.option("--workers", type=int, default=1, show_default=True)
@allow_private_option
@store_option
@handle_errors
def weekly(config_path: str, workers: int, allow_private: bool, store_spec: str | None) -> None:
    """Ingest everything published since the last successful weekly run, then
    print the week's changelog."""
    import tomllib

    from ingest.changes import changelog, to_markdown
    from ingest.weekly import WeeklyConfig, run_weekly
    with open(config_path, "rb") as handle:
        config = WeeklyConfig.from_dict(tomllib.load(handle))
    with open_store_from_cli(store_spec or config.store, create=True) as store, \
            _http_client(allow_private) as client:
        result = run_weekly(store, config, client, workers=workers)
        _summary(result.report)
        click.echo(f"run {result.run_id}: {result.status} ({result.since} → {result.until})")
        if result.status != "succeeded":
            raise Partial(f"weekly run failed: {result.error}")
        click.echo(to_markdown(changelog(store, result.since)))


@click.command()
@click.option("--since", "since_text", required=True,
              help="ISO date or date-time (2026-11-22), today, yesterday, or 12h / 7d / 2w ago.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True)
@store_option
@handle_errors
def changes(since_text: str, fmt: str, store_spec: str | None) -> None:
    """What the graph learned since a date: new entities, new relations, support that grew."""
    from ingest.changes import changelog, to_markdown
    since = parse_since(since_text)
    with open_store_from_cli(store_spec) as store:
        data = changelog(store, since)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if fmt == "json"
               else to_markdown(data))


@click.command()
@click.option("--limit", type=int, default=20, show_default=True)
@store_option
@format_option
@handle_errors
def runs(limit: int, store_spec: str | None, fmt: str) -> None:
    """Recent ingest runs (kg ingest and the weekly job) with their status and counts."""
    with open_store_from_cli(store_spec) as store:
        echo_rows(store.runs(limit), fmt)


COMMANDS = [ingest, load_stage, quarantine, weekly, changes, runs]
