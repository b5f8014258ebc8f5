"""Plain ASGI middleware (no BaseHTTPMiddleware: it costs throughput) for every request:
request id, language, body size limit, metrics."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit import i18n
from kit.context import set_request_id
from kit.errors import render
from kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ResponseHeaders = Callable[[Scope], Sequence[tuple[bytes, bytes]]]


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        max_body_bytes: int = 1_048_576,
        response_headers: ResponseHeaders | None = None,
    ) -> None:
        """`response_headers(scope)`: more headers for every answer to this request, its own
        problem answers included, added in the same pass as X-Request-ID (one send wrapper
        instead of a middleware of their own: the gateway's CORS and security headers)."""
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.response_headers = response_headers
        self._series: dict[tuple[str, str, str], tuple[Any, Any]] = {}  # (method, route, status) → children

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else os.urandom(16).hex()  # uuid4().hex's cost / 4
        set_request_id(request_id)
        language = i18n.negotiate(headers.get("accept-language"))
        i18n.set_language(language)
        start = time.perf_counter()
        status = 500
        extra: list[tuple[bytes, bytes]] = [(b"x-request-id", request_id.encode())]
        if self.response_headers is not None:
            extra += self.response_headers(scope)

        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _send_problem(send, scope["path"], 413, "payload_too_large", extra, language)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            await _send_problem(send, scope["path"], 422, "nul_character", extra, language)
            return

        refusal: _Refused | None = None
        replaced = False

        async def send_wrapper(message: Message) -> None:
            nonlocal replaced, status
            if replaced:
                return  # the app's own answer to a body it could not read is dropped
            if message["type"] == "http.response.start":
                if refusal is not None:  # e.g. FastAPI turned the refused body into a 400
                    replaced = True
                    status = refusal.status
                    await _send_problem(send, scope["path"], refusal.status, refusal.code, extra, language)
                    return
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        received = 0
        tail = b""
        nul_markers = _nul_markers(headers.get("content-type", ""))

        async def receive_checked() -> Message:
            nonlocal received, tail, refusal
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > self.max_body_bytes:
                    refusal = _Refused(413, "payload_too_large")
                elif any(m in chunk or m in tail + chunk[:5] for m in nul_markers):  # no copy of the chunk
                    refusal = _Refused(422, "nul_character")
                if refusal is not None:
                    raise refusal
                tail = chunk[-5:]
            return message

        try:
            await self.app(scope, receive_checked, send_wrapper)
        except _Refused as refused:
            if not replaced:
                await _send_problem(send, scope["path"], refused.status, refused.code, extra, language)
                status = refused.status
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - start
            key = (scope["method"], template, str(status))
            series = self._series.get(key)
            if series is None:  # `labels()` takes a lock and builds a key: once per series, not per request
                series = self._series[key] = (
                    HTTP_REQUESTS.labels(self.service, key[0], template, key[2]),
                    HTTP_LATENCY.labels(self.service, key[0], template),
                )
            series[0].inc()
            series[1].observe(elapsed)


class _Refused(Exception):
    """A request body refused while it is read (raised through the app to this middleware)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def _nul_markers(content_type: str) -> tuple[bytes, ...]:
    """How a NUL character can hide in a body of this type. No text the platform keeps may
    hold one (PostgreSQL cannot store it), so it is refused at the door instead of failing
    later; a binary body may carry NUL bytes, but never a JSON-escaped NUL."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return (b"\x00", b"%00", b"\\u0000")
    if kind.startswith("text/") or kind == "application/json" or kind.endswith("+json"):
        return (b"\x00", b"\\u0000")
    return (b"\\u0000",)


_READ = frozenset({b"x-request-id", b"accept-language", b"content-length", b"content-type"})


def _headers(scope: Scope) -> dict[str, str]:
    """The few request headers this middleware reads (not a copy of all of them)."""
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", []) if k in _READ}


async def _send_problem(
    send: Send, path: str, status: int, code: str, extra: list[tuple[bytes, bytes]], language: str
) -> None:
    body: dict[str, Any] = render(path, code=code, status=status)
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                (b"content-language", language.encode()),
                *extra,  # X-Request-ID first
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
