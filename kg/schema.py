"""The graph's core vocabulary (../shared/SCHEMA.md) as code.

Labels and relation types are the allowlist: nothing else may reach Cypher as a
label or relation type. Meanings and directions are fixed by SCHEMA.md; mlkg adds
only provenance vocabulary (Source, MENTIONS, IngestRun, Quarantined).
"""
from __future__ import annotations

from enum import StrEnum

from kg.errors import SchemaError


class Label(StrEnum):
    PAPER = "Paper"
    ARCHITECTURE = "Architecture"
    LIBRARY = "Library"
    ORGANIZATION = "Organization"
    DATASET = "Dataset"
    PERSON = "Person"


class RelType(StrEnum):
    IMPLEMENTS = "IMPLEMENTS"
    BUILT_ON = "BUILT_ON"
    USES = "USES"
    DEVELOPED_BY = "DEVELOPED_BY"
    INTRODUCES = "INTRODUCES"
    AUTHORED_BY = "AUTHORED_BY"
    TRAINED_ON = "TRAINED_ON"
    EVALUATED_ON = "EVALUATED_ON"


# Provenance vocabulary added by mlkg (SCHEMA.md allows additions, not changes).
SOURCE_LABEL = "Source"
MENTIONS = "MENTIONS"
INGEST_RUN_LABEL = "IngestRun"
ENTITY_LABEL = "Entity"  # every entity node also carries this label, for one name index

_P, _A, _L, _O, _D, _H = (Label.PAPER, Label.ARCHITECTURE, Label.LIBRARY,
                          Label.ORGANIZATION, Label.DATASET, Label.PERSON)

# Allowed (head label, tail label) pairs per relation type, from SCHEMA.md.
ENDPOINTS: dict[RelType, frozenset[tuple[Label, Label]]] = {
    RelType.IMPLEMENTS: frozenset({(_L, _A), (_L, _P)}),
    RelType.BUILT_ON: frozenset({(_L, _L), (_A, _A)}),
    RelType.USES: frozenset({(_A, _A)}),
    RelType.DEVELOPED_BY: frozenset((h, t) for h in (_P, _A, _L, _D) for t in (_O, _H)),
    RelType.INTRODUCES: frozenset({(_P, _A), (_P, _D), (_P, _L)}),
    RelType.AUTHORED_BY: frozenset({(_P, _H)}),
    RelType.TRAINED_ON: frozenset({(_A, _D)}),
    RelType.EVALUATED_ON: frozenset({(_P, _D), (_A, _D)}),
}


def label(value: str) -> Label:
    """The allowlisted Label for ``value``; anything else raises SchemaError."""
    try:
        return Label(value)
    except ValueError:
        raise SchemaError(f"unknown label {value!r}; allowed: {', '.join(Label)}") from None


def rel_type(value: str) -> RelType:
    """The allowlisted RelType for ``value``; anything else raises SchemaError."""
    try:
        return RelType(value)
    except ValueError:
        raise SchemaError(
            f"unknown relation type {value!r}; allowed: {', '.join(RelType)}") from None


def check_endpoints(rtype: RelType, head: Label, tail: Label) -> None:
    if (head, tail) not in ENDPOINTS[rtype]:
        raise SchemaError(f"{head}-[:{rtype}]->{tail} is not allowed by the schema")


def allows(rtype: RelType, head: Label, tail: Label) -> bool:
    return (head, tail) in ENDPOINTS[rtype]
