"""Extraction: ML text → the graph's entities and relations (see pipeline.py).

``Extraction`` is one document's result; ``to_contract_json`` renders it as one
line of the evaluation contract (../shared/eval/README.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.models import Entity, Relation

EXTRACTOR_NAME = "mlkg-spacy-rules"
EXTRACTOR_VERSION = "1.0.0"


@dataclass(slots=True)
class Extraction:
    doc_id: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    error: str | None = None


def to_contract_json(extraction: Extraction) -> dict:
    """``{"id", "entities": [{"name", "type", …}], "relations": [{"head", "type", "tail",
    "evidence", "confidence"}]}``."""
    entities = []
    for e in extraction.entities:
        item = {"name": e.name, "type": str(e.label)}
        if e.aliases:
            item["aliases"] = list(e.aliases)
        for key in ("arxiv_id", "repo", "pypi", "hf_id"):
            if e.props.get(key):
                item[key] = e.props[key]
        entities.append(item)
    relations = [{"head": r.head.name, "type": str(r.type), "tail": r.tail.name,
                  "evidence": r.evidence.sentence, "confidence": round(r.evidence.confidence, 3)}
                 for r in extraction.relations]
    out = {"id": extraction.doc_id, "entities": entities, "relations": relations}
    if extraction.error:
        out["error"] = extraction.error
    return out


__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "Extraction", "to_contract_json"]
