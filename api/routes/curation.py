"""/curation (the log; write routes need an API key, whose name is recorded as the
author) and GET /facts/{id} (why the graph holds a fact)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from api import curation as cur
from api.deps import api_key_name, api_key_scheme, get_service
from api.service import GraphService

router = APIRouter(tags=["curation"])
WRITE = [Depends(api_key_scheme)]


@router.get("/curation", response_model=cur.CurationLog,
            summary="Curations, newest first (undone ones included)")
def log(since: str | None = Query(None, examples=["2026-01-01"]),
        limit: int = Query(200, ge=1, le=1000),
        service: GraphService = Depends(get_service)) -> dict:
    return {"since": since, "curations": service.curator().log(since or "", limit)}


@router.get("/curation/{curation_id}", response_model=cur.CurationRecord,
            summary="One curation")
def one(curation_id: str = Path(..., max_length=64),
        service: GraphService = Depends(get_service)) -> dict:
    return cur.public(service.curator().get(curation_id))


@router.post("/curation/reject", response_model=cur.CurationRecord, dependencies=WRITE,
             summary="Reject a relation (by fact id or names) or an entity (API key)")
def reject(body: cur.RejectRequest, author: str = Depends(api_key_name),
           service: GraphService = Depends(get_service)) -> dict:
    return cur.public(cur.reject(service.store, body, author))


@router.post("/curation/assert", response_model=cur.CurationRecord, dependencies=WRITE,
             summary="Assert (confirm) a relation (API key)")
def assert_(body: cur.AssertRequest, author: str = Depends(api_key_name),
            service: GraphService = Depends(get_service)) -> dict:
    return cur.public(cur.confirm(service.store, body, author))


@router.post("/curation/merge", response_model=cur.CurationRecord, dependencies=WRITE,
             summary="Merge an entity into another (API key)")
def merge(body: cur.MergeRequest, author: str = Depends(api_key_name),
          service: GraphService = Depends(get_service)) -> dict:
    return cur.public(service.curator().merge(body.name, body.into, reason=body.reason,
                                              author=author))


@router.post("/curation/split", response_model=cur.CurationRecord, dependencies=WRITE,
             summary="Split an alias off into its own entity (API key)")
def split(body: cur.SplitRequest, author: str = Depends(api_key_name),
          service: GraphService = Depends(get_service)) -> dict:
    return cur.public(service.curator().split(body.alias, body.from_, reason=body.reason,
                                              author=author))


@router.post("/curation/rename", response_model=cur.CurationRecord, dependencies=WRITE,
             summary="Give an entity a new canonical name (API key)")
def rename(body: cur.RenameRequest, author: str = Depends(api_key_name),
           service: GraphService = Depends(get_service)) -> dict:
    return cur.public(service.curator().rename(body.name, body.to, reason=body.reason,
                                               author=author))


@router.post("/curation/retype", response_model=cur.CurationRecord, dependencies=WRITE,
             summary="Change an entity's label (API key)")
def retype(body: cur.RetypeRequest, author: str = Depends(api_key_name),
           service: GraphService = Depends(get_service)) -> dict:
    return cur.public(service.curator().retype(body.name, body.label, reason=body.reason,
                                               author=author))


@router.post("/curation/{curation_id}/undo", response_model=cur.CurationRecord,
             dependencies=WRITE, summary="Undo a curation; the record stays (API key)")
def undo(curation_id: str = Path(..., max_length=64), author: str = Depends(api_key_name),
         service: GraphService = Depends(get_service)) -> dict:
    return cur.public(service.curator().undo(curation_id, author=author))


@router.get("/facts/{fact_id:path}", response_model=cur.FactDetail,
            summary="Why the graph holds a fact: sources, evidence, extractor, curation")
def fact(fact_id: str = Path(..., max_length=2200, examples=[
        "IMPLEMENTS|Library|pytorch|Architecture|mlpmixer"]),
        service: GraphService = Depends(get_service)) -> dict:
    return cur.fact_detail(service.store, fact_id)
