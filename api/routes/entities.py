"""GET /entities/{label}/{key}: the entity page's data."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import get_service
from api.service import GraphService

router = APIRouter(tags=["entities"])


@router.get("/entities/{label}/{key:path}",
            summary="An entity: properties, aliases, keys, relations with evidence, sources")
def entity(label: str, key: str, service: GraphService = Depends(get_service)) -> dict:
    return service.entity(label, key)
