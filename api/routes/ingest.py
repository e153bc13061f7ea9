"""POST /ingest (API key) and GET /changes."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import api_key_scheme, get_service, require_api_key
from api.service import GraphService

router = APIRouter(tags=["ingest"])


class IngestRequest(BaseModel):
    documents: list[dict[str, Any]] = Field(..., examples=[[{
        "id": "blog-1", "kind": "newsletter", "title": "TSMixer",
        "text": "TSMixer is built on MLP-Mixer.", "published": "2026-01-05"}]])


@router.post("/ingest", summary="Extract and load documents (needs an API key)",
             dependencies=[Depends(api_key_scheme), Depends(require_api_key)])
def ingest(request: IngestRequest, service: GraphService = Depends(get_service)) -> dict:
    return service.ingest(request.documents)


@router.get("/changes", summary="What changed in the graph since a date")
def changes(since: str = Query(..., min_length=4, examples=["2026-01-01"]),
            service: GraphService = Depends(get_service)) -> dict:
    return service.changes(since)
