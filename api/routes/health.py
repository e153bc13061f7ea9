"""GET /healthz and GET /metrics."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from api import metrics
from api.deps import api_key_scheme, get_service, require_api_key_unless_public
from api.errors import ApiError
from api.service import GraphService
from kg.errors import StoreError

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Is the service up and the store reachable?")
def healthz(service: GraphService = Depends(get_service)) -> dict:
    try:
        return service.health()
    except StoreError as exc:
        raise ApiError(503, f"the store is not reachable: {exc}") from exc


@router.get("/metrics", summary="Prometheus metrics (API key unless --public-read)",
            response_class=Response,
            dependencies=[Depends(api_key_scheme), Depends(require_api_key_unless_public)])
def prometheus_metrics() -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
