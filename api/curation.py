"""The API's curation models (response and request bodies) and the service calls
behind ``/curation`` and ``/facts``: thin wrappers over ``kg.curation`` / ``kg.facts``.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.errors import ApiError
from kg.curation import Curator, Fact
from kg.facts import explain


class CurationRecord(BaseModel):
    """One curation: what, who (a user or API-key name), when, why, the state it overrode."""
    model_config = ConfigDict(extra="ignore")
    id: str
    action: str = Field(..., examples=["reject"])
    target: str = Field(..., description="relation or entity")
    author: str
    at: str
    reason: str = ""
    status: str = Field(..., description="active or undone")
    before: dict[str, Any] = Field(default_factory=dict, description="the state it overrode")
    reference: str | None = None
    fact: str | None = Field(None, description="the relation's id (GET /facts/{id})")
    rel_type: str | None = None
    head_label: str | None = None
    head_key: str | None = None
    head_name: str | None = None
    tail_label: str | None = None
    tail_key: str | None = None
    tail_name: str | None = None
    label: str | None = None
    key: str | None = None
    name: str | None = None
    other_label: str | None = None
    other_key: str | None = None
    other_name: str | None = None
    value: str | None = Field(None, description="new name, new label, or the split alias")
    undone_at: str | None = None
    undone_by: str | None = None


class CurationLog(BaseModel):
    since: str | None
    curations: list[CurationRecord]


class EntityName(BaseModel):
    name: str | None
    label: str
    key: str


class FactSource(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    kind: str | None = None
    published: str | None = None
    seen: str | None = Field(None, description="when mlkg first read the source")
    sentence: str
    extractor: str | None = None
    extractor_version: str | None = None
    confidence: float | None = None


class FactDetail(BaseModel):
    """Why the graph holds a fact: every source behind it and every curation of it."""
    id: str
    type: str
    status: str = Field(..., description="extracted, rejected or asserted")
    head: EntityName
    tail: EntityName
    support: int
    confidence: float | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    reference: str | None = None
    curation: CurationRecord | None = Field(None, description="the curation in force, if any")
    curations: list[CurationRecord]
    sources: list[FactSource]


class FactTarget(BaseModel):
    """A relation by its id, or by head, type and tail names (resolved through aliases)."""
    fact: str | None = Field(None, examples=["IMPLEMENTS|Library|pytorch|Architecture|mlpmixer"])
    head: str | None = Field(None, max_length=300)
    type: str | None = Field(None, max_length=40)
    tail: str | None = Field(None, max_length=300)


class RejectRequest(FactTarget):
    entity: str | None = Field(None, max_length=300, description="reject an entity instead")
    reason: str = Field(..., min_length=1, max_length=2000)


class AssertRequest(FactTarget):
    reference: str | None = Field(None, max_length=2000,
                                  description="a URL; needed unless a source gives the fact")
    reason: str = Field(..., min_length=1, max_length=2000)


class MergeRequest(BaseModel):
    name: str = Field(..., min_length=1, max_length=300)
    into: str = Field(..., min_length=1, max_length=300)
    reason: str | None = Field(None, max_length=2000)


class SplitRequest(BaseModel):
    alias: str = Field(..., min_length=1, max_length=300)
    from_: str = Field(..., alias="from", min_length=1, max_length=300)
    reason: str | None = Field(None, max_length=2000)


class RenameRequest(BaseModel):
    name: str = Field(..., min_length=1, max_length=300)
    to: str = Field(..., min_length=1, max_length=300)
    reason: str | None = Field(None, max_length=2000)


class RetypeRequest(BaseModel):
    name: str = Field(..., min_length=1, max_length=300)
    label: str = Field(..., min_length=1, max_length=40)
    reason: str | None = Field(None, max_length=2000)


def _fact(curator: Curator, body: FactTarget, *, existing: bool) -> Fact:
    if body.fact:
        return Fact.parse(body.fact)
    if not (body.head and body.type and body.tail):
        raise ApiError(400, "name the relation by fact, or by head, type and tail")
    return curator.fact(body.head, body.type, body.tail, existing=existing)


def reject(store, body: RejectRequest, author: str) -> dict:
    curator = Curator(store)
    if body.entity:
        return curator.reject_entity(body.entity, reason=body.reason, author=author)
    return curator.reject(_fact(curator, body, existing=True), reason=body.reason, author=author)


def confirm(store, body: AssertRequest, author: str) -> dict:
    curator = Curator(store)
    return curator.confirm(_fact(curator, body, existing=False), reference=body.reference,
                           reason=body.reason, author=author)


def fact_detail(store, fact_id: str) -> dict:
    return explain(store, Fact.parse(fact_id))


def public(record: dict) -> dict:
    """A fresh record as the log shows it (``before`` decoded)."""
    from kg.curation import _public
    return _public(record)
