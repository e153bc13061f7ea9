"""Problem details (RFC 9457, ``application/problem+json``) for every error the API returns.

Each response says what went wrong and what to do instead: an unknown entity
comes with close-name suggestions, a bad parameter names the parameter, a refused
write says the endpoint is read-only, a timeout names the limit.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import (ConfigError, CurationError, MlkgError, NameNotResolved, QueryError, QueryTimeout, ReadOnlyViolation,
                       SchemaError, StoreError, StoreUnavailable)

log = logging.getLogger("mlkg.api")

PROBLEM_JSON = "application/problem+json"
TITLES = {400: "Bad request", 401: "API key required", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Ambiguous name", 408: "Request timeout", 413: "Too large",
          500: "Internal error", 503: "Not available", 504: "Query timed out"}


class Problem(BaseModel):
    """The body of every error response (RFC 9457)."""
    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


def _documented(description: str) -> dict:
    return {"model": Problem, "description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# Documented on every operation, so the OpenAPI schema says what the API really sends.
PROBLEM_RESPONSES = {
    400: _documented("Bad request: a missing or invalid parameter, or Cypher the database rejects"),
    401: _documented("An API key is required (write and admin routes)"),
    403: _documented("Wrong API key, or a write sent to a read-only endpoint"),
    404: _documented("Unknown entity, name or query; close-name suggestions included"),
    409: _documented("A name that means several entities; the candidates are listed"),
    413: _documented("Request body or result over this server's limit"),
    503: _documented("The graph store is not reachable"),
    504: _documented("The query ran past its time limit"),
}


class ApiError(Exception):
    """An error with an HTTP status, a one-line detail and optional extra members."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.headers = headers
        self.extra = extra


class NotFound(ApiError):
    def __init__(self, detail: str, *, suggestions: list[dict] | None = None, **extra: Any):
        super().__init__(404, detail, suggestions=suggestions or [], **extra)


def problem(status: int, detail: str, *, title: str | None = None, instance: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title or TITLES.get(status, "Error"),
            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_for(exc: MlkgError) -> int:
    if isinstance(exc, ReadOnlyViolation):
        return 403
    if isinstance(exc, QueryTimeout):
        return 504
    if isinstance(exc, StoreUnavailable):
        return 503
    if isinstance(exc, NameNotResolved):
        return 404 if not exc.candidates else 409
    if isinstance(exc, (QueryError, SchemaError, CurationError)):
        return 400
    if isinstance(exc, ConfigError):
        return 500
    if isinstance(exc, StoreError):
        return 502
    return 500


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return problem(exc.status, exc.detail, title=exc.title, instance=request.url.path,
                       headers=exc.headers, **exc.extra)

    @app.exception_handler(MlkgError)
    async def _mlkg_error(request: Request, exc: MlkgError):
        status = status_for(exc)
        if status >= 500:
            log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        extra = {"candidates": exc.candidates} if isinstance(exc, NameNotResolved) else {}
        return problem(status, str(exc), instance=request.url.path, error=type(exc).__name__,
                       **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [{"param": ".".join(str(p) for p in e.get("loc", ())
                                     if p not in ("body", "query", "path", "header"))
                   or "body", "problem": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{e['param']}: {e['problem']}" for e in errors)
        return problem(400, f"bad parameters: {detail}", instance=request.url.path,
                       errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = (f"no route {request.method} {request.url.path}; "
                      "see /docs for the API")
        return problem(exc.status_code, detail, instance=request.url.path,
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return problem(500, f"unexpected {type(exc).__name__}; see the server log",
                       instance=request.url.path)
