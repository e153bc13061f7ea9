"""POST /cypher: read-only Cypher for analysts, behind an API key."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.deps import api_key_scheme, get_service, require_api_key
from api.service import GraphService

router = APIRouter(tags=["cypher"])


class CypherRequest(BaseModel):
    query: str = Field(..., min_length=1, examples=[
        "MATCH (l:Library)-[:IMPLEMENTS]->(a:Architecture) RETURN l.name, a.name LIMIT 10"])
    params: dict[str, Any] = Field(default_factory=dict)
    timeout: float | None = Field(None, gt=0, description="Seconds; capped by the server")
    limit: int | None = Field(None, gt=0, description="Rows; capped by the server")


@router.post("/cypher", summary="Run read-only Cypher (the database refuses writes)",
             dependencies=[Depends(api_key_scheme), Depends(require_api_key)])
def cypher(request: CypherRequest, service: GraphService = Depends(get_service)) -> dict:
    return service.cypher(request.query, request.params, timeout=request.timeout,
                          limit=request.limit)
