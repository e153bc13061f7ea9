"""``kg curate …`` (correct the graph, with an audit trail) and ``kg why`` (what a
fact rests on). Names resolve through aliases like every query; a name that means
several entities is refused with the candidates (write ``Label:name`` to pick one)."""
from __future__ import annotations

import getpass
import json
import os

import click

from kg.cli.options import handle_errors, open_store_from_cli, parse_since, store_option
from kg.errors import NameNotResolved


def author_option(func):
    return click.option("--author", envvar="MLKG_USER", metavar="NAME",
                        help="Who curates (env MLKG_USER; default: the login name).")(func)


def _author(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def _done(record: dict) -> None:
    from ingest.changes import describe
    click.echo(describe(record).replace("**", ""))


def _curator(store):
    from kg.curation import Curator
    return Curator(store)


def _with_candidates(func):
    """A NameNotResolved lists its candidates, one a line, before the error."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NameNotResolved as exc:
            for row in exc.candidates:
                click.echo(f"  candidate: {row['label']}:{row['name']} (key {row['key']})",
                           err=True)
            raise
    return wrapper


@click.group()
def curate() -> None:
    """Correct the graph: reject, assert, merge, split, rename, retype; see the log;
    undo. Every curation records who, when, why and what it overrode, and holds
    through later ingests and weekly runs."""


@curate.command()
@click.option("--head", help="The relation's head entity.")
@click.option("--type", "rtype", help="The relation type, e.g. IMPLEMENTS.")
@click.option("--tail", help="The relation's tail entity.")
@click.option("--entity", help="Reject an entity instead of a relation.")
@click.option("--reason", required=True, help="Why (recorded).")
@author_option
@store_option
@handle_errors
@_with_candidates
def reject(head, rtype, tail, entity, reason, author, store_spec) -> None:
    """Reject a relation (--head --type --tail) or an entity (--entity). It stays in
    the graph, marked, and queries leave it out unless include_rejected."""
    if entity and (head or rtype or tail):
        raise click.UsageError("give either --entity or --head/--type/--tail")
    if not entity and not (head and rtype and tail):
        raise click.UsageError("give --head, --type and --tail (or --entity)")
    with open_store_from_cli(store_spec) as store:
        curator = _curator(store)
        if entity:
            _done(curator.reject_entity(entity, reason=reason, author=_author(author)))
        else:
            _done(curator.reject_fact(head, rtype, tail, reason=reason, author=_author(author)))


@curate.command("assert")
@click.option("--head", required=True)
@click.option("--type", "rtype", required=True)
@click.option("--tail", required=True)
@click.option("--reference", required=True, metavar="URL", help="Where this is stated.")
@click.option("--reason", required=True)
@author_option
@store_option
@handle_errors
@_with_candidates
def assert_(head, rtype, tail, reference, reason, author, store_spec) -> None:
    """Assert a relation: it holds whether or not any source gives it."""
    with open_store_from_cli(store_spec) as store:
        _done(_curator(store).assert_fact(head, rtype, tail, reference=reference,
                                          reason=reason, author=_author(author)))


@curate.command()
@click.argument("name")
@click.option("--into", required=True, metavar="NAME", help="The entity that stays.")
@click.option("--reason")
@author_option
@store_option
@handle_errors
@_with_candidates
def merge(name, into, reason, author, store_spec) -> None:
    """Merge entity NAME into another: its relations, aliases and mentions move and
    its key redirects; new mentions of either name land on the one that stays."""
    with open_store_from_cli(store_spec) as store:
        _done(_curator(store).merge(name, into, reason=reason, author=_author(author)))


@curate.command()
@click.argument("alias")
@click.option("--from", "from_", required=True, metavar="NAME",
              help="The entity the alias belongs to now.")
@click.option("--reason")
@author_option
@store_option
@handle_errors
@_with_candidates
def split(alias, from_, reason, author, store_spec) -> None:
    """Split ALIAS off into its own entity (with the facts only it is named in)."""
    with open_store_from_cli(store_spec) as store:
        _done(_curator(store).split(alias, from_, reason=reason, author=_author(author)))


@curate.command()
@click.argument("name")
@click.option("--to", "to", required=True, metavar="NAME", help="The new canonical name.")
@click.option("--reason")
@author_option
@store_option
@handle_errors
@_with_candidates
def rename(name, to, reason, author, store_spec) -> None:
    """Give an entity a new canonical name (the old one stays an alias; the key stays)."""
    with open_store_from_cli(store_spec) as store:
        _done(_curator(store).rename(name, to, reason=reason, author=_author(author)))


@curate.command()
@click.argument("name")
@click.option("--label", required=True, help="Paper, Architecture, Library, Organization, "
                                              "Dataset or Person.")
@click.option("--reason")
@author_option
@store_option
@handle_errors
@_with_candidates
def retype(name, label, reason, author, store_spec) -> None:
    """Change an entity's label (type)."""
    with open_store_from_cli(store_spec) as store:
        _done(_curator(store).retype(name, label, reason=reason, author=_author(author)))


@curate.command()
@click.option("--since", "since_text", help="ISO date, today, yesterday, or 12h / 7d / 2w ago.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@store_option
@handle_errors
def log(since_text, fmt, store_spec) -> None:
    """The curations, newest first (undone ones included, marked)."""
    since = parse_since(since_text) if since_text else ""
    with open_store_from_cli(store_spec) as store:
        records = _curator(store).log(since)
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    if not records:
        click.echo("(no curations)")
    for record in records:
        _done(record)


@curate.command()
@click.argument("curation_id", metavar="ID")
@author_option
@store_option
@handle_errors
def undo(curation_id, author, store_spec) -> None:
    """Undo curation ID (see kg curate log): its effect is taken back, the record stays."""
    with open_store_from_cli(store_spec) as store:
        _done(_curator(store).undo(curation_id, author=_author(author)))


@click.command()
@click.argument("head")
@click.argument("rtype", metavar="TYPE")
@click.argument("tail")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@store_option
@handle_errors
@_with_candidates
def why(head, rtype, tail, fmt, store_spec) -> None:
    """Why the graph holds HEAD TYPE TAIL: every source with its sentence, date,
    extractor and confidence; support, first/last seen; any curation."""
    from kg.facts import explain
    with open_store_from_cli(store_spec) as store:
        data = explain(store, _curator(store).fact(head, rtype, tail, existing=True))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['head']['name']} {data['type']} {data['tail']['name']}  [{data['status']}]")
    click.echo(f"support {data['support']}, confidence {data['confidence']}, first seen "
               f"{data['first_seen']}, last seen {data['last_seen']}")
    for s in data["sources"]:
        click.echo(f"- {s['title'] or s['id']} ({s['published'] or 'undated'}) {s['url'] or ''}")
        click.echo(f"    “{s['sentence']}”")
        click.echo(f"    {s['extractor']} {s['extractor_version'] or ''}, confidence "
                   f"{s['confidence']}")
    from ingest.changes import describe
    for c in data["curations"]:
        click.echo("curation: " + describe(c).replace("**", ""))


COMMANDS = [curate, why]
