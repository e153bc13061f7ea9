"""Dependencies shared by the routes: the service and the API-key check."""
from __future__ import annotations

import hmac

from fastapi import Request
from fastapi.security import APIKeyHeader

from api.errors import ApiError
from api.service import GraphService

API_KEY_HEADER = "X-API-Key"
# declared for OpenAPI (the "Authorize" button on /docs); checked by require_api_key
api_key_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                              description="Needed by POST /cypher, POST /ingest, POST /curation/*, and (unless "
                                          "the server runs with --public-read) GET /metrics "
                                          "and POST /queries/{name}. Keys come from "
                                          "MLKG_API_KEYS (KEY or NAME:KEY).")


def get_service(request: Request) -> GraphService:
    return request.app.state.service


def require_api_key(request: Request) -> str:
    """401 without a key, 403 with a wrong one (or when the server has none configured)."""
    return _check_key(request)[1]


def api_key_name(request: Request) -> str:
    """The key check, answering the name of the key given (a curation's author)."""
    return _check_key(request)[0]


def _check_key(request: Request) -> tuple[str, str]:
    given = request.headers.get(API_KEY_HEADER)
    keys = request.app.state.settings.named_keys()
    if not given:
        raise ApiError(401, f"this route needs an API key in the {API_KEY_HEADER} header",
                       headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'})
    if not keys:
        raise ApiError(403, "this server accepts no API keys (set MLKG_API_KEYS to enable "
                            "write and admin routes)")
    found = None
    for name, key in keys:   # every key compared, in constant time each
        if hmac.compare_digest(given.encode(), key.encode()) and found is None:
            found = (name, key)
    if found is None:
        raise ApiError(403, "the API key is not valid")
    return found


def require_api_key_unless_public(request: Request) -> str | None:
    """The key check for routes an operator may open to everyone (``--public-read``)."""
    if request.app.state.settings.public_read:
        return None
    return require_api_key(request)
