"""GET /search: the ``search`` named query (prefix and typo tolerant, ranked)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from api.deps import get_service
from api.service import GraphService

router = APIRouter(tags=["search"])


@router.get("/search", summary="Find entities by name or alias")
def search(q: str = Query(..., min_length=1, max_length=200, description="What you typed"),
           type: str | None = Query(None, description="Keep one label, e.g. Library"),
           limit: int = Query(10, ge=1, le=100),
           service: GraphService = Depends(get_service)) -> dict:
    return service.search(q, type, limit)
