"""``kg extract`` and ``kg eval``: the extraction pipeline alone (ingest.extract),
in the evaluation contract's format (../shared/eval/README.md)."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import click

from kg.cli.options import handle_errors
from kg.errors import MlkgError


def _reporter(origin: str):
    def report(line_no: int, reason: str) -> None:
        click.echo(f"{origin}:{line_no}: {reason}", err=True)
    return report


def _newsletter_documents(paths: tuple[str, ...]) -> Iterator:
    """Raw newsletter files (text, Markdown, HTML), each split into its items."""
    from ingest.sources.newsletter import read_newsletter
    for path in paths:
        try:
            yield from read_newsletter(path)
        except MlkgError as exc:
            click.echo(f"{path}: skipped: {exc}", err=True)


@click.command("extract")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False),
              help="DOCS.jsonl: one {id, kind, text, …} per line (other fields are ignored).")
@click.option("--output", "output_path", type=click.Path(dir_okay=False), default="-",
              help="PRED.jsonl (default: stdout).")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Extraction processes.")
@handle_errors
def extract(files: tuple[str, ...], input_path: str | None, output_path: str,
            workers: int) -> None:
    """Extract entities and relations: kg extract --input DOCS.jsonl --output PRED.jsonl,
    or kg extract FILE… for raw newsletter files (txt/md/html), split into items."""
    from ingest.extract import to_contract_json
    from ingest.extract.pipeline import Extractor
    from ingest.sources import read_docs_jsonl
    if bool(files) == bool(input_path):
        raise click.UsageError("give either --input DOCS.jsonl or newsletter FILEs")
    docs = (list(read_docs_jsonl(input_path, on_error=_reporter(input_path),
                                 default_kind="newsletter"))
            if input_path else list(_newsletter_documents(files)))
    out = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")
    problems = 0
    try:
        for extraction in Extractor().extract_many(docs, workers=workers):
            if extraction.error:  # the document still gets its (empty) line
                problems += 1
                click.echo(extraction.error, err=True)
            out.write(json.dumps(to_contract_json(extraction), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    click.echo(f"extracted {len(docs)} documents ({problems} problems)", err=True)


@click.command("eval")
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--by-type", is_flag=True, help="Per-type P/R/F1 too.")
@click.option("--errors", type=int, default=0, help="Print up to N errors.")
@click.option("--output", "output_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the predictions here.")
@click.option("--workers", type=int, default=1, show_default=True)
@click.option("--rules-only", is_flag=True,
              help="Without the trained recogniser and relation model (the rule pipeline alone).")
@click.option("--without-catalog-names", is_flag=True,
              help="Catalog ablation: leave out every catalog entry whose name occurs in the gold documents.")
@handle_errors
def eval_(gold_path: str, by_type: bool, errors: int, output_path: str | None,
          workers: int, rules_only: bool, without_catalog_names: bool) -> None:
    """Run extraction on a gold file's documents and print P/R/F1 (the same numbers
    as ../shared/eval/score.py)."""
    import tempfile
    from ingest.extract import scoring, to_contract_json
    from ingest.extract.catalog import write_without_names
    from ingest.extract.pipeline import Extractor
    from ingest.sources import read_docs_jsonl
    gold = scoring.read_jsonl(gold_path)
    docs = list(read_docs_jsonl(gold_path, on_error=_reporter(gold_path), default_kind="newsletter"))
    with tempfile.TemporaryDirectory(prefix="mlkg-catalog-") as tmp:
        catalog_dir = None
        if without_catalog_names:
            dropped = write_without_names([f"{d.title or ''}\n{d.text}" for d in docs], tmp)
            click.echo(f"catalog ablation: {dropped} entries whose names occur in the documents left out", err=True)
            catalog_dir = tmp
        extractor = Extractor(catalog_dir=catalog_dir, learned=not rules_only)
        pred = {ex.doc_id: to_contract_json(ex) for ex in extractor.extract_many(docs, workers=workers)}
    if output_path:
        with open(output_path, "w", encoding="utf-8") as handle:
            for line in pred.values():
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    ent, rel, shown, _missing = scoring.score(gold, pred, errors)
    for line in shown:
        click.echo(line)
    e, r = scoring.table("entity", ent, by_type), scoring.table("relation", rel, by_type)
    (ep, er, ef), (rp, rr, rf) = scoring.prf(e), scoring.prf(r)
    click.echo(f"entities P={ep:.3f} R={er:.3f} F1={ef:.3f} | relations P={rp:.3f} R={rr:.3f} "
               f"F1={rf:.3f} | docs={len(gold)}")


eval_.name = "eval"
COMMANDS = [extract, eval_]
