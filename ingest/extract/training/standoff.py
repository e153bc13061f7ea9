"""Standoff annotations: the repository's record of the training corpus.

A document's *view* is what the annotator read: ``title + "\\n\\n" + text`` (or the
text alone). Annotations point into the view by character offsets and carry the
view's sha256, so training refuses text that changed since it was annotated.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ENTITY_TYPES = ("Paper", "Architecture", "Library", "Organization", "Dataset", "Person")
RELATION_TYPES = ("IMPLEMENTS", "BUILT_ON", "USES", "DEVELOPED_BY", "INTRODUCES",
                  "AUTHORED_BY", "TRAINED_ON", "EVALUATED_ON")


def view_of(item: dict) -> str:
    title = (item.get("title") or "").strip()
    text = item.get("text") or ""
    return f"{title}\n\n{text}" if title else text


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_spans(text: str, surface: str) -> list[tuple[int, int]]:
    """Every occurrence of ``surface`` not glued to a letter or digit on either side."""
    surface = surface.strip()
    if not surface:
        return []
    pattern = re.compile(r"(?<![0-9A-Za-z])" + re.escape(surface) + r"(?![0-9A-Za-z])")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


@dataclass(slots=True)
class AnnotatedEntity:
    name: str
    label: str
    spans: list[tuple[int, int]]
    optional: bool = False


@dataclass(slots=True)
class AnnotatedDoc:
    id: str
    split: str                      # train | heldout
    folder: str
    annotator: str
    sha256: str
    entities: list[AnnotatedEntity] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)   # (head, type, tail)


class CorpusError(ValueError):
    """The shared text does not match the annotations (missing or changed)."""


def read_standoff(annotations_dir: Path) -> list[AnnotatedDoc]:
    docs = []
    for path in sorted(Path(annotations_dir).glob("*.jsonl")):
        if path.name == "selection.jsonl":
            continue
        folder = path.stem
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                r = json.loads(line)
                docs.append(AnnotatedDoc(
                    r["id"], r["split"], folder, r.get("annotator", ""), r["sha256"],
                    [AnnotatedEntity(e["name"], e["label"], [tuple(s) for s in e["spans"]],
                                     e.get("optional", False)) for e in r["entities"]],
                    [(x["head"], x["type"], x["tail"]) for x in r["relations"]]))
    return docs


def load_texts(corpus_dir: Path, docs: list[AnnotatedDoc]) -> dict[str, dict]:
    """id → corpus item for every annotated document, checking each view's hash."""
    wanted = {d.id: d for d in docs}
    found: dict[str, dict] = {}
    for path in sorted(Path(corpus_dir).glob("*/*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                item = json.loads(line)
                d = wanted.get(item.get("id"))
                if d is None:
                    continue
                if sha256(view_of(item)) != d.sha256:
                    raise CorpusError(f"{d.id}: text changed since it was annotated ({path})")
                found[d.id] = {**item, "_file": path.name}    # the source: what the held-out split is drawn by
    missing = set(wanted) - set(found)
    if missing:
        raise CorpusError(f"{len(missing)} annotated documents not in {corpus_dir}, e.g. {sorted(missing)[:3]}")
    return found
