"""Conditional reads (RFC 9110 §13): a strong ETag over the exact body of every JSON read, and
304 Not Modified when the client's If-None-Match already names it.

`ConditionalGetMiddleware` does this for every GET of a service: a mobile app polling its
citizen's ration card or power of attorney gets 304 and no body while nothing changed. A read
that sets its own ETag and Cache-Control (catalog's public, cacheable reads via
`cached_json`) is left as it is, apart from the 304. Reads of personal data default to
`Cache-Control: private, no-cache` (a browser may keep them but must revalidate; no shared
cache may keep them). Bodies over `max_body` bytes, streams and non-JSON bodies pass untouched.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.errors import responses

NOT_MODIFIED_DESCRIPTION = "Not modified: the If-None-Match ETag is current (no body)."
PRIVATE_REVALIDATE = b"private, no-cache"
NO_STORE = {"Cache-Control": "no-store"}


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as RFC 9110 §13.1.2 requires for If-None-Match."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def cached_json(request: Request, payload: Any, *, max_age: int, public: bool = True) -> Response:
    """`payload` as JSON with ETag and Cache-Control (`max_age` seconds): for reads any cache may keep."""
    body = json.dumps(jsonable_encoder(payload), ensure_ascii=False, separators=(",", ":")).encode()
    etag = etag_of(body)
    scope = "public" if public else "private"
    headers = {"ETag": etag, "Cache-Control": f"{scope}, max-age={max_age}"}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def cacheable(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a cacheable read: 304 (no body) plus the problem statuses."""
    return {304: {"description": NOT_MODIFIED_DESCRIPTION}, **responses(*statuses)}


# Headers a 304 keeps (RFC 9110 §15.4.5); the body and its length go.
_KEPT_ON_304 = {b"cache-control", b"content-location", b"date", b"etag", b"expires", b"vary", b"x-request-id"}


class ConditionalGetMiddleware:
    """ETag + 304 for a service's JSON reads (GET and HEAD answering 200)."""

    def __init__(self, app: ASGIApp, *, max_body: int = 1_000_000) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if_none_match = _header(scope["headers"], b"if-none-match")
        mode = "buffer"  # → "pass" (send as it comes) or "drop" (a 304 went out: swallow the body)
        start: Message = {}
        chunks: list[bytes] = []
        size = 0

        async def buffered(message: Message) -> None:
            nonlocal mode, start, size
            if mode == "pass":
                await send(message)
            elif mode == "drop":
                return
            elif message["type"] == "http.response.start":
                headers = message.get("headers", [])
                own_etag = _header(headers, b"etag")
                json_body = (_header(headers, b"content-type") or "").startswith("application/json")
                if message["status"] != 200 or not json_body:
                    mode = "pass"
                    await send(message)
                elif own_etag is not None:  # the route made its own (catalog's public reads)
                    if matches(if_none_match, own_etag):
                        mode = "drop"
                        await _send_not_modified(send, message)
                    else:
                        mode = "pass"
                        await send(message)
                else:
                    start = message
            else:
                body = message.get("body", b"")
                size += len(body)
                if size > self.max_body:  # too big to hold: send what we have, stream the rest
                    mode = "pass"
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                    await send(message)
                    return
                chunks.append(body)
                if not message.get("more_body", False):
                    await self._finish(send, start, b"".join(chunks), if_none_match)

        await self.app(scope, receive, buffered)

    @staticmethod
    async def _finish(send: Send, start: Message, body: bytes, if_none_match: str | None) -> None:
        etag = etag_of(body)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"etag"]
        headers.append((b"etag", etag.encode()))
        if _header(headers, b"cache-control") is None:
            headers.append((b"cache-control", PRIVATE_REVALIDATE))
        start = {**start, "headers": headers}
        if matches(if_none_match, etag):
            await _send_not_modified(send, start)
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})


async def _send_not_modified(send: Send, start: Message) -> None:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() in _KEPT_ON_304]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def declare_not_modified(schema: dict[str, Any]) -> dict[str, Any]:
    """Every GET in the OpenAPI document may answer 304 to If-None-Match: say so."""
    for path in schema.get("paths", {}).values():
        operation = path.get("get")
        if operation is not None:
            operation.setdefault("responses", {}).setdefault("304", {"description": NOT_MODIFIED_DESCRIPTION})
    return schema
