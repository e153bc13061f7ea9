"""Serve recorded real HTTP responses through ``httpx.MockTransport``.

A recording is the JSON shape of ``tests/fixtures/arxiv-api/*.json``
(``{"url", "status_code", "body"}``, from arxiv.py's test fixtures). Requests
are matched on path and query parameters (empty parameters ignored, scheme and
host ignored), so ``http://export.arxiv.org/api/query?...`` matches a recording
made against ``https://export.arxiv.org/...``. Raw bodies (e.g. recorded OAI-PMH
XML files) can be added with :meth:`RecordedTransport.add`.

    rec = RecordedTransport.from_files(FIXTURES.glob("arxiv-api/*.json"))
    rec.fail_next(503, headers={"Retry-After": "7"})   # then the recording
    client = rec.client()
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx

FIXTURES = Path(__file__).parent / "fixtures"


def _key(url: str, params: Iterable[tuple[str, str]] | None = None) -> tuple[str, frozenset]:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True) if params is None else list(params)
    return parts.path, frozenset((k, v) for k, v in pairs if v != "")


class RecordedTransport:
    def __init__(self, *, missing_status: int | None = None):
        self._responses: dict[tuple[str, frozenset], tuple[int, bytes, dict]] = {}
        self._queued: list[tuple[int, bytes, dict] | Exception] = []
        self.missing_status = missing_status  # None: an unmatched request fails the test
        self.requests: list[httpx.Request] = []

    @classmethod
    def from_files(cls, paths: Iterable[Path | str], **kw) -> "RecordedTransport":
        rec = cls(**kw)
        for path in paths:
            rec.add_recording(json.loads(Path(path).read_text(encoding="utf-8")))
        return rec

    def add_recording(self, recording: Mapping) -> None:
        self.add(recording["url"], recording["body"], status=int(recording["status_code"]))

    def add(self, url: str, body: str | bytes, *, status: int = 200,
            headers: Mapping[str, str] | None = None,
            params: Mapping[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        key = _key(url, params.items() if params is not None else None)
        self._responses[key] = (status, data, dict(headers or {}))

    def fail_next(self, status: int = 503, *, body: bytes = b"", headers: Mapping[str, str] | None = None,
                  times: int = 1) -> None:
        """Answer the next ``times`` requests with ``status`` before the recordings."""
        for _ in range(times):
            self._queued.append((status, body, dict(headers or {})))

    def raise_next(self, exc: Exception) -> None:
        self._queued.append(exc)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self._queued:
            item = self._queued.pop(0)
            if isinstance(item, Exception):
                raise item
            status, body, headers = item
            return httpx.Response(status, content=body, headers=headers, request=request)
        key = _key(str(request.url))
        if key not in self._responses:
            if self.missing_status is not None:
                return httpx.Response(self.missing_status, content=b"Not Found", request=request)
            raise AssertionError(f"no recording for {request.method} {request.url}")
        status, body, headers = self._responses[key]
        return httpx.Response(status, content=body, headers=headers, request=request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport())


class FakeSleep:
    """Injectable ``sleep`` that records its arguments and advances a fake clock."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.now = 0.0

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
