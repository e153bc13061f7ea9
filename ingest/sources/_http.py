"""Shared HTTP plumbing for the sources: a descriptive User-Agent, timeouts,
retries with exponential backoff on 5xx/429 and timeouts, ``Retry-After``
honoured, and a polite minimum delay between calls. Every call goes through an
``httpx.Client`` the caller passes in; ``sleep`` and ``clock`` are injectable so
tests never wait."""
from __future__ import annotations

import email.utils
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone

import httpx

from kg.errors import SourceError

USER_AGENT = "mlkg/0.1 (+https://github.com/mlkg/mlkg)"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Sleep = Callable[[float], None]
Clock = Callable[[], float]


class Throttle:
    """At least ``delay`` seconds between the starts of two calls."""

    def __init__(self, delay: float, *, sleep: Sleep = time.sleep,
                 clock: Clock = time.monotonic):
        self.delay = delay
        self.sleep = sleep
        self.clock = clock
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None and self.delay > 0:
            remaining = self.delay - (self.clock() - self._last)
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


def retry_after_seconds(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), else None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def get(client: httpx.Client, url: str, *, params: Mapping[str, str] | None = None,
        retries: int = 3, backoff: float = 2.0, sleep: Sleep = time.sleep,
        throttle: Throttle | None = None, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retry_after: float = 600.0) -> httpx.Response:
    """GET with retries. Returns the final response (any status < 500 other than
    429; the caller judges 4xx). Raises SourceError when retries run out or the
    transport fails for a reason other than a timeout."""
    headers = {"User-Agent": USER_AGENT}
    last: str = ""
    for attempt in range(retries + 1):
        if throttle is not None:
            throttle.wait()
        try:
            response = client.get(url, params=params, headers=headers, timeout=timeout,
                                  follow_redirects=True)
        except httpx.TimeoutException as exc:
            last = f"timed out ({type(exc).__name__})"
            if attempt >= retries:
                raise SourceError(f"{url}: {last} after {attempt + 1} attempts") from exc
            sleep(backoff * (2 ** attempt))
            continue
        except httpx.HTTPError as exc:
            raise SourceError(f"{url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code not in RETRY_STATUSES:
            return response
        last = f"HTTP {response.status_code}"
        if attempt >= retries:
            raise SourceError(f"{response.request.url}: {last} after {attempt + 1} attempts")
        wait = retry_after_seconds(response)
        if wait is None:
            wait = backoff * (2 ** attempt)
        sleep(min(wait, max_retry_after))
    raise SourceError(f"{url}: {last}")  # pragma: no cover - loop always returns/raises


def check_status(response: httpx.Response) -> None:
    """4xx/5xx → SourceError naming the URL and status."""
    if response.status_code >= 400:
        reason = response.reason_phrase or ""
        raise SourceError(f"{response.request.url}: HTTP {response.status_code} {reason}".rstrip())


def public_only(request: httpx.Request) -> None:
    """An httpx request hook (every request, redirects included): refuse a host that
    resolves to a loopback, private, link-local, shared, reserved or multicast
    address — ``kg ingest URL`` fetches the public web unless ``--allow-private``.
    The check is at resolution time; a DNS answer that changes between this check
    and the connection (rebinding) is not caught."""
    host = request.url.host
    try:
        infos = socket.getaddrinfo(host, request.url.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return  # unresolvable: the transport reports it
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise SourceError(f"{request.url}: {host} is {address}, not a public address; "
                              "pass --allow-private to fetch from it")
