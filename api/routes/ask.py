"""GET /ask: a plain-English question answered by a named query (no LLM)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from api.deps import get_service
from api.service import GraphService

router = APIRouter(tags=["ask"])


@router.get("/ask", summary="Ask in plain English; the answer names the query it ran")
def ask(q: str = Query(..., min_length=1, max_length=500,
                       examples=["Which libraries implement MLP-Mixer?"]),
        service: GraphService = Depends(get_service)) -> dict:
    return service.ask(q)
