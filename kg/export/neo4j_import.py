"""The whole store as CSV files for ``neo4j-admin database import full``: the initial
load of a large graph into Neo4j at bulk speed, after which ``kg weekly`` / ``kg ingest``
go on incrementally with the usual batched MERGE.

Files (``kg export --format neo4j-import DIR``):

- ``nodes-<Label>-<n>.csv`` per node group and set of properties (the importer takes
  an empty field for an empty string, so a file holds only nodes that have all its
  columns), header ``key:ID(<Label>)`` (entities),
  ``norm:ID(Alias)``, ``id:ID(Source)`` / ``id:ID(IngestRun)`` / ``id:ID(Quarantined)``,
  then ``:LABEL`` and typed properties (``name:string``, ``support:long``,
  ``confidence:double``, ``aliases:string[]``, …). Each entity label is its own ID
  space, as keys are unique per label;
- ``rels-<TYPE>-<Head>-<Tail>-<n>.csv`` per relation type, endpoint groups and set of
  properties, header
  ``:START_ID(<Head>)``, ``:END_ID(<Tail>)``, ``:TYPE`` and typed properties —
  the schema's relations with their evidence, and provenance: ``MENTIONS`` (with its
  snippet) and ``ALIAS_OF``;
- ``import.args``: the importer's options and file arguments, one a line, and
  ``import.sh`` that runs ``neo4j-admin database import full`` with them.

Arrays are joined with U+001F (a control character, which stored text does not hold:
refused if it does); strings are always quoted, so an empty string stays one; text
may span lines (``--multiline-fields=true``). An empty list cannot be written (the
importer leaves an empty field unset): after the import, ``after-import.cypher``
gives entities without aliases their empty list again.
"""
from __future__ import annotations

import csv
import json
import shlex
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import SchemaError
from kg.schema import ENTITY_LABEL, INGEST_RUN_LABEL, SOURCE_LABEL, Label, MENTIONS, RelType
from kg.store.curation import CURATION_LABEL
from kg.store.provenance import QUARANTINE_LABEL
from kg.store.writes import ALIAS_LABEL, ALIAS_OF

ARRAY_DELIMITER = "\x1f"
PAGE_SIZE = 10_000
# node groups that are not entities, and the property that identifies them
OTHER_GROUPS = {ALIAS_LABEL: "norm", SOURCE_LABEL: "id", INGEST_RUN_LABEL: "id",
                QUARANTINE_LABEL: "id", CURATION_LABEL: "id"}
REL_TYPES = {str(t) for t in RelType} | {MENTIONS, ALIAS_OF}
AFTER_IMPORT = (f"MATCH (n:{ENTITY_LABEL}) WHERE n.aliases IS NULL SET n.aliases = [];\n")


def finish_import(store) -> None:
    """What the CSV files cannot say, put back on the imported store: ``after-import.cypher``."""
    for statement in AFTER_IMPORT.split(";"):
        if statement.strip():
            store.write(statement)


def _group(labels: list[str]) -> str:
    """The node's ID space: its schema label, or its one provenance label."""
    schema = [lab for lab in labels if lab in Label._value2member_map_]
    if ENTITY_LABEL in labels and len(schema) == 1:
        return schema[0]
    if len(labels) == 1 and labels[0] in OTHER_GROUPS:
        return labels[0]
    raise SchemaError(f"node with labels {labels} is not in the schema; not exported")


def _id_property(group: str) -> str:
    return OTHER_GROUPS.get(group, "key")


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        kinds = {_type_of(v) for v in value}
        if kinds <= {"long", "double"} and "double" in kinds:
            kinds = {"double"}
        if len(kinds) > 1 or any(k.endswith("[]") for k in kinds):
            raise SchemaError(f"a list of mixed or nested values cannot be exported: {value!r}")
        return (kinds.pop() if kinds else "") + "[]"
    raise SchemaError(f"a {type(value).__name__} property cannot be exported: {value!r}")


def _merge_types(old: str | None, new: str) -> str:
    if old is None or old == new or new == "[]":
        return old or new
    if old == "[]" and new.endswith("[]"):
        return new
    if {old.rstrip("[]"), new.rstrip("[]")} == {"long", "double"} \
            and old.endswith("[]") == new.endswith("[]"):
        return "double[]" if old.endswith("[]") else "double"
    raise SchemaError(f"a property holds both {old} and {new} values; not exportable as CSV")


def _cell(value, kind: str):
    if kind.endswith("[]"):
        items = ["true" if v is True else "false" if v is False else
                 (repr(v) if isinstance(v, float) else str(v)) for v in value]
        for item in items:
            if ARRAY_DELIMITER in item:
                raise SchemaError("a list item holds U+001F, the export's array delimiter")
        return ARRAY_DELIMITER.join(items)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return value


@dataclass
class _Group:
    """Rows of one output file, spooled as JSON lines until every type is known."""
    header: list[str]                  # the fixed leading columns
    spool: "tempfile._TemporaryFileWrapper"
    types: dict[str, str] = field(default_factory=dict)
    count: int = 0

    def add(self, fixed: list, props: dict) -> None:
        for key, value in props.items():
            self.types[key] = _merge_types(self.types.get(key), _type_of(value))
        self.spool.write(json.dumps([fixed, props], ensure_ascii=False) + "\n")
        self.count += 1

    def write_csv(self, path: Path) -> None:
        keys = sorted(self.types)
        kinds = {k: self.types[k] if self.types[k] != "[]" else "string[]" for k in keys}
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
            writer.writerow(self.header + [f"{k}:{kinds[k]}" for k in keys])
            self.spool.seek(0)
            for line in self.spool:
                fixed, props = json.loads(line)
                writer.writerow(fixed + [None if props.get(k) is None
                                         else _cell(props[k], kinds[k]) for k in keys])


def _pages(store, query: str, page_size: int) -> Iterator[dict]:
    after = -1
    while True:
        rows = store.run_query(query, {"after": after, "limit": page_size})
        yield from rows
        if len(rows) < page_size:
            return
        after = rows[-1]["id"]


def export_neo4j_import(store, out_dir: str | Path, page_size: int = PAGE_SIZE) -> dict:
    """Write the import files into ``out_dir`` (created; must hold no CSV files yet).
    Returns ``{"nodes": n, "relationships": m, "files": [...]}``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.glob("*.csv")):
        raise SchemaError(f"{out} already holds CSV files; give an empty directory")
    groups: dict[tuple, _Group] = {}
    with tempfile.TemporaryDirectory(prefix="mlkg-import-") as spool_dir:
        def group(key: tuple, header: list[str]) -> _Group:
            if key not in groups:
                groups[key] = _Group(header, open(Path(spool_dir) / f"{len(groups)}.jsonl",
                                                  "w+", encoding="utf-8"))
            return groups[key]

        for row in _pages(store, "export_import_nodes", page_size):
            name = _group(row["labels"])
            id_prop = _id_property(name)
            props = dict(row["props"])
            node_id = props.pop(id_prop)
            labels = sorted(row["labels"])
            group(("nodes", name, *sorted(props)), [f"{id_prop}:ID({name})", ":LABEL"]).add(
                [node_id, ARRAY_DELIMITER.join(labels)], props)
        for row in _pages(store, "export_import_edges", page_size):
            rtype = row["type"]
            if rtype not in REL_TYPES:
                raise SchemaError(f"relation type {rtype!r} is not in the schema; not exported")
            head, tail = _group(row["head_labels"]), _group(row["tail_labels"])
            group(("rels", rtype, head, tail, *sorted(row["props"] or {})),
                  [f":START_ID({head})", f":END_ID({tail})", ":TYPE"]).add(
                [row["head"], row["tail"], rtype], row["props"] or {})
        files, args = [], []
        shapes: dict[tuple, int] = {}
        for key, grp in sorted(groups.items()):
            base = key[:2] if key[0] == "nodes" else key[:4]
            shapes[base] = shapes.get(base, 0) + 1
            filename = f"{'-'.join(base)}-{shapes[base]}.csv"
            grp.write_csv(out / filename)
            grp.spool.close()
            files.append(filename)
            args.append(f"--{'nodes' if key[0] == 'nodes' else 'relationships'}={filename}")
    options = ["--array-delimiter=U+001F", "--multiline-fields=true",
               "--id-type=string", "--strict=true", "--bad-tolerance=0"]
    (out / "import.args").write_text("\n".join(options + args) + "\n", encoding="utf-8")
    (out / "import.sh").write_text(
        "#!/bin/sh\n# neo4j-admin database import full, on the files beside this script;\n"
        "# stop the database first; the target database must be empty or new.\n"
        'cd "$(dirname "$0")" && exec "${NEO4J_ADMIN:-neo4j-admin}" database import full \\\n  '
        + " \\\n  ".join(shlex.quote(a) for a in options + args)
        + ' \\\n  "$@" "${NEO4J_DATABASE:-neo4j}"\n', encoding="utf-8")
    (out / "import.sh").chmod(0o755)
    (out / "after-import.cypher").write_text(AFTER_IMPORT, encoding="utf-8")
    return {"nodes": sum(g.count for k, g in groups.items() if k[0] == "nodes"),
            "relationships": sum(g.count for k, g in groups.items() if k[0] == "rels"),
            "files": files}
