"""``kg extract`` and ``kg eval``: run the extraction pipeline (ingest.extract)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.errors import MlkgError


def _doc_from_json(obj: dict):
    from kg.models import Document, Link
    links = [Link(l.get("url", ""), l.get("text", "")) for l in obj.get("links", []) or []
             if isinstance(l, dict)]
    text = obj.get("text")
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return Document(id=str(obj["id"]), kind=str(obj.get("kind") or "newsletter"), text=text,
                    title=obj.get("title") if isinstance(obj.get("title"), str) else None,
                    url=obj.get("url"), published=obj.get("published"),
                    arxiv_id=obj.get("arxiv_id") if isinstance(obj.get("arxiv_id"), str) else None,
                    links=links)


def read_docs_jsonl(path: str):
    """Yield (line number, Document or None, id or None, error or None)."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, None, f"not JSON: {exc}"
                continue
            if not isinstance(obj, dict) or "id" not in obj:
                doc_id = None
                yield number, None, doc_id, "no 'id'"
                continue
            try:
                yield number, _doc_from_json(obj), str(obj["id"]), None
            except Exception as exc:  # malformed fields
                yield number, None, str(obj["id"]), f"bad document: {exc}"


def _docs_from_files(paths):
    from kg.models import Document
    for path in paths:
        data = Path(path).read_bytes()
        try:
            from ingest.sources.newsletter import read_newsletter
        except ImportError:
            read_newsletter = None
        if read_newsletter is not None:
            try:
                docs = read_newsletter(path)
                for d in docs:
                    yield d
                continue
            except Exception as exc:
                click.echo(f"{path}: newsletter reader failed ({exc}); using the whole file", err=True)
        text = data.decode("utf-8", errors="replace")
        yield Document(id=Path(path).stem, kind="newsletter", text=text, origin=str(path))


@click.command("extract")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False),
              help="DOCS.jsonl: one {id, kind, text, …} per line.")
@click.option("--output", "output_path", type=click.Path(dir_okay=False), default="-",
              help="PRED.jsonl (default: stdout).")
@click.option("--workers", type=int, default=1, show_default=True)
def extract(files, input_path, output_path, workers):
    """Extract entities and relations: kg extract --input DOCS.jsonl --output PRED.jsonl,
    or kg extract FILE… for raw newsletter files (txt/md/html)."""
    from ingest.extract import Extraction, to_contract_json
    from ingest.extract.pipeline import Extractor
    if not files and not input_path:
        raise click.UsageError("give --input DOCS.jsonl or newsletter FILEs")
    extractor = Extractor()
    out = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")
    n_docs = n_err = 0
    try:
        if input_path:
            entries = list(read_docs_jsonl(input_path))
            docs = []
            for number, doc, doc_id, error in entries:
                if error:
                    n_err += 1
                    click.echo(f"{input_path}:{number}: {error}", err=True)
                if doc is not None:
                    docs.append(doc)
            results = {ex.doc_id: ex for ex in extractor.extract_many(docs, workers=workers)}
            for number, doc, doc_id, error in entries:
                if doc_id is None:
                    continue
                ex = results.get(doc_id) or Extraction(doc_id, error=error)
                if ex.error and not error:
                    n_err += 1
                    click.echo(f"{input_path}:{number}: {ex.error}", err=True)
                out.write(json.dumps(to_contract_json(ex), ensure_ascii=False) + "\n")
                n_docs += 1
        else:
            for ex in extractor.extract_many(list(_docs_from_files(files)), workers=workers):
                if ex.error:
                    n_err += 1
                    click.echo(ex.error, err=True)
                out.write(json.dumps(to_contract_json(ex), ensure_ascii=False) + "\n")
                n_docs += 1
    except MlkgError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if out is not sys.stdout:
            out.close()
    click.echo(f"extracted {n_docs} documents ({n_err} problems)", err=True)


@click.command("eval")
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--by-type", is_flag=True)
@click.option("--errors", type=int, default=0, help="print up to N errors")
@click.option("--output", "output_path", type=click.Path(dir_okay=False), default=None,
              help="also write the predictions here")
def eval_(gold_path, by_type, errors, output_path):
    """Run extraction on a gold file's documents and print P/R/F1 (same as score.py)."""
    from ingest.extract import to_contract_json
    from ingest.extract.pipeline import Extractor
    from ingest.extract import scoring
    gold = scoring.read_jsonl(gold_path)
    extractor = Extractor()
    docs = [_doc_from_json(g) for g in gold.values()]
    pred = {}
    for ex in extractor.extract_many(docs):
        pred[ex.doc_id] = to_contract_json(ex)
    if output_path:
        with open(output_path, "w", encoding="utf-8") as fh:
            for p in pred.values():
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    ent, rel, shown, missing = scoring.score(gold, pred, errors)
    for line in shown:
        click.echo(line)
    e = scoring.table("entity", ent, by_type)
    r = scoring.table("relation", rel, by_type)
    ep, er, ef = scoring.prf(e)
    rp, rr, rf = scoring.prf(r)
    click.echo(f"entities P={ep:.3f} R={er:.3f} F1={ef:.3f} | relations P={rp:.3f} R={rr:.3f} F1={rf:.3f}"
               f" | docs={len(gold)}")


eval_.name = "eval"
COMMANDS = [extract, eval_]
