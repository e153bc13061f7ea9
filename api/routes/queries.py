"""GET /queries and POST /queries/{name}: the named-query catalog."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from api.deps import api_key_scheme, get_service, require_api_key_unless_public
from api.errors import ApiError
from api.service import GraphService

router = APIRouter(tags=["queries"])


@router.get("/queries", summary="Named queries: parameters, defaults, what they return")
def list_queries(service: GraphService = Depends(get_service)) -> list[dict]:
    return service.list_queries()


@router.post("/queries/{name}", summary="Run a named query (API key unless --public-read)",
             dependencies=[Depends(api_key_scheme), Depends(require_api_key_unless_public)])
def run_query(name: str,
              body: dict[str, Any] | None = Body(
                  None, examples=[{"params": {"name": "MLP-Mixer"}}],
                  description='{"params": {...}} or the parameters object itself'),
              service: GraphService = Depends(get_service)) -> dict:
    body = body or {}
    params = body.get("params", body) if set(body) <= {"params"} else body
    if not isinstance(params, dict):
        raise ApiError(400, "params must be a JSON object")
    return service.run_named(name, params)
