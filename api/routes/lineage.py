"""GET /lineage/<query>: each route runs the named query of the same name."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from api.deps import get_service
from api.service import GraphService

router = APIRouter(prefix="/lineage", tags=["lineage"])
Name = Query(..., min_length=1, max_length=300, description="An entity name or alias")


@router.get("/implementations", summary="Libraries implementing an architecture or paper")
def implementations(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("implementations", {"name": name})


@router.get("/upstream", summary="What an entity is built on, transitively")
def upstream(name: str = Name, max_depth: int = Query(10, ge=1, le=10),
             service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("upstream", {"name": name, "max_depth": max_depth})


@router.get("/downstream", summary="What is built on an entity, transitively")
def downstream(name: str = Name, max_depth: int = Query(10, ge=1, le=10),
               service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("downstream", {"name": name, "max_depth": max_depth})


@router.get("/developers", summary="Who made, released or published an entity")
def developers(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("developers", {"name": name})


@router.get("/introduced_in", summary="The paper that introduced an entity")
def introduced_in(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("introduced_in", {"name": name})


@router.get("/releases", summary="What an organization or person released")
def releases(organization: str = Query(..., min_length=1, max_length=300),
             service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("releases", {"organization": organization})


@router.get("/path", summary="A shortest path between two entities")
def path(from_: str = Query(..., alias="from", min_length=1, max_length=300),
         to: str = Query(..., min_length=1, max_length=300),
         service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("path", {"from": from_, "to": to})


@router.get("/mentions", summary="Source documents mentioning an entity")
def mentions(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("mentions", {"name": name})


@router.get("/neighbors", summary="Every entity one relation away, with type and support")
def neighbors(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("neighbors", {"name": name})


@router.get("/authors", summary="The authors of a paper, or the papers of a person")
def authors(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("authors", {"name": name})


@router.get("/datasets", summary="Datasets an entity (or its paper) was trained or evaluated on")
def datasets(name: str = Name, service: GraphService = Depends(get_service)) -> dict:
    return service.lineage("datasets", {"name": name})
