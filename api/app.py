"""The app factory: ``create_app(settings) -> FastAPI``.

Besides the CLI, this is the only place configuration turns into objects: it opens
the store named by ``settings.store`` (unless a store is handed in, as tests do),
builds the one ``GraphService``, and installs the routes, problem+json errors,
request-size limit, metrics and the web page. ASGI servers can use
``uvicorn --factory api.app:app_from_env``.
"""
from __future__ import annotations

import importlib
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from api import errors, metrics
from api.routes import ROUTE_MODULES
from api.service import GraphService
from api.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"


def open_configured_store(settings: Settings):
    from kg.store import open_store
    auth = ((settings.neo4j_user or "neo4j", settings.neo4j_password)
            if settings.neo4j_password else None)
    return open_store(settings.store, neo4j_auth=auth, neo4j_database=settings.neo4j_database)


def create_app(settings: Settings, store=None) -> FastAPI:
    """The mlkg API over ``store`` (or the store ``settings.store`` names)."""
    owns_store = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if owns_store and app.state.service.store is not None:
            app.state.service.store.close()

    app = FastAPI(
        title="mlkg", version=_version(), lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served below from the vendored assets, not a CDN
        responses=errors.PROBLEM_RESPONSES,
        summary="A knowledge graph of ML research artifacts: lineage, search, "
                "read-only Cypher and exports.",
        description="Errors are `application/problem+json`. Write and admin routes "
                    "(`POST /cypher`, `POST /ingest`) need an `X-API-Key` header; so do "
                    "`GET /metrics` and `POST /queries/{name}` unless the server runs "
                    "with `--public-read`.",
    )
    app.state.settings = settings
    app.state.service = GraphService(store if store is not None
                                     else open_configured_store(settings), settings)
    errors.install(app)
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(f"api.routes.{name}").router)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_docs(app)
    # outermost first: metrics see every response, including 413s
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics)
    return app


def _install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` from ``static/vendor/`` — FastAPI's
    self-hosted docs pattern — so the API documentation works with no network."""
    vendor = "/static/vendor"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _same_origin_only(get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} — API docs",
            swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
            swagger_css_url=f"{vendor}/swagger-ui.css",
            swagger_favicon_url=f"{vendor}/swagger-ui-favicon-32x32.png"))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _same_origin_only(get_redoc_html(
            openapi_url=app.openapi_url, title=f"{app.title} — API reference",
            redoc_js_url=f"{vendor}/redoc.standalone.js",
            redoc_favicon_url=f"{vendor}/swagger-ui-favicon-32x32.png",
            with_google_fonts=False))


# ReDoc's sidebar asks cdn.redoc.ly for a logo (and hides it when that fails): the
# browser is told not to try, so the docs pages never reach beyond this server.
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
            "connect-src 'self'; font-src 'self' data:")


def _same_origin_only(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory api.app:app_from_env``: settings from the environment."""
    return create_app(Settings.from_env())


def _version() -> str:
    from kg import __version__
    return __version__


class RequestMetrics:
    """Counts requests and their latency per route template (not per raw URL)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = {"code": 500}
        start = time.perf_counter()

        async def capture(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            metrics.observe_request(scope["method"], template, status["code"],
                                    time.perf_counter() - start)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or by
    counting a streamed body, before any route sees it."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                return await self._refuse(scope, receive, send)
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and length is None:
            return await self.app(scope, receive, send)
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return await self._refuse(scope, receive, send)
            if not message.get("more_body"):
                break

        async def replay():
            if messages:
                return messages.pop(0)
            return await receive()
        return await self.app(scope, replay, send)

    async def _refuse(self, scope, receive, send):
        response = errors.problem(
            413, f"the request body is over this server's limit of {self.max_bytes} bytes",
            instance=scope.get("path"))
        await response(scope, receive, send)
