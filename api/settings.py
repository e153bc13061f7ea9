"""Service settings, read from the environment (``Settings.from_env``).

Only ``api.app.create_app``'s caller (the ``kg serve`` command, an ASGI factory)
and the CLI read configuration; everything else receives a ``Settings``.

=========================  ==========================================  =========
variable                   meaning                                     default
=========================  ==========================================  =========
MLKG_STORE                 store spec: directory (embedded) or bolt://  user data dir
MLKG_API_KEYS              comma-separated keys for write/admin routes, (none)
                           each KEY or NAME:KEY; the name is recorded
                           as the author of a curation
MLKG_PUBLIC_READ           1/true: GET /metrics, POST /queries/* need   off
                           no key
MLKG_MAX_BODY_BYTES        largest request body, else 413               1000000
MLKG_MAX_ROWS              most rows a query returns                    1000
MLKG_MAX_RESULT_BYTES      largest JSON result, else 413                5000000
MLKG_CYPHER_TIMEOUT        seconds an analyst's Cypher may run          10
NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE   Neo4j credentials
=========================  ==========================================  =========
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping

from pydantic import BaseModel, Field

from kg.errors import ConfigError


# "NAME:KEY": a key with a name (recorded as a curation's author); a bare KEY is named
# key-1, key-2, … by its position. A key that itself holds ":" must be given a name.
_NAMED_KEY = re.compile(r"^([A-Za-z0-9_.@-]{1,64}):(.+)$")


def named_key(entry: str, index: int) -> tuple[str, str]:
    """(name, key) of one MLKG_API_KEYS / --api-key entry."""
    match = _NAMED_KEY.match(entry)
    return (match.group(1), match.group(2)) if match else (f"key-{index + 1}", entry)


class Settings(BaseModel):
    store: str | None = None
    api_keys: tuple[str, ...] = ()
    public_read: bool = False
    max_body_bytes: int = Field(1_000_000, gt=0)
    max_rows: int = Field(1000, gt=0)
    max_result_bytes: int = Field(5_000_000, gt=0)
    cypher_timeout: float = Field(10.0, gt=0)
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None

    def named_keys(self) -> list[tuple[str, str]]:
        return [named_key(entry, i) for i, entry in enumerate(self.api_keys)]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values: dict = {
            "store": env.get("MLKG_STORE") or None,
            "api_keys": tuple(k.strip() for k in env.get("MLKG_API_KEYS", "").split(",")
                              if k.strip()),
            "public_read": env.get("MLKG_PUBLIC_READ", "").strip().lower()
            in ("1", "true", "yes", "on"),
            "neo4j_user": env.get("NEO4J_USER"),
            "neo4j_password": env.get("NEO4J_PASSWORD"),
            "neo4j_database": env.get("NEO4J_DATABASE"),
        }
        for field, var, kind in (("max_body_bytes", "MLKG_MAX_BODY_BYTES", int),
                                 ("max_rows", "MLKG_MAX_ROWS", int),
                                 ("max_result_bytes", "MLKG_MAX_RESULT_BYTES", int),
                                 ("cypher_timeout", "MLKG_CYPHER_TIMEOUT", float)):
            raw = env.get(var)
            if raw:
                try:
                    values[field] = kind(raw)
                except ValueError:
                    raise ConfigError(f"{var}={raw!r} is not a number") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
