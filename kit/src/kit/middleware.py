"""Plain ASGI middleware (no BaseHTTPMiddleware: it costs throughput) for every request:
request id, language, body size limit, NUL and invisible characters (kit.text_safety), metrics."""

from __future__ import annotations

import codecs
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit import i18n, text_safety
from kit.context import set_request_id
from kit.errors import BodyRefused, FieldError, render
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
        checks_text: Callable[[Scope], bool] | None = None,
    ) -> None:
        """`response_headers(scope)`: more headers for every answer to this request, its own
        problem answers included, added in the same pass as X-Request-ID (one send wrapper
        instead of a middleware of their own: the gateway's CORS and security headers)."""
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.response_headers = response_headers
        self.checks_text = checks_text
        """Whether this request's text is checked for invisible characters (default: always; the
        gateway checks its own routes and leaves what it proxies to the service that keeps it)."""
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
        checks_text = self.checks_text is None or self.checks_text(scope)
        if checks_text and (invisible := _invisible_in_address(scope)):
            await _send_problem(send, scope["path"], 422, "validation_failed", extra, language, invisible)
            return

        refusal: BodyRefused | None = None
        replaced = False

        async def send_wrapper(message: Message) -> None:
            nonlocal replaced, status
            if replaced:
                return  # the app's own answer to a body it could not read is dropped
            if message["type"] == "http.response.start":
                if refusal is not None:  # e.g. FastAPI turned the refused body into a 400
                    replaced = True
                    status = refusal.status
                    await _send_problem(
                        send, scope["path"], refusal.status, refusal.code, extra, language, refusal.errors
                    )
                    return
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        received = 0
        tail = b""
        content_type = headers.get("content-type", "")
        nul_markers = _nul_markers(content_type)
        text = _TextCheck.of(content_type) if checks_text else None

        async def receive_checked() -> Message:
            nonlocal received, tail, refusal
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > self.max_body_bytes:
                    refusal = BodyRefused(413, "payload_too_large")
                elif any(m in chunk or m in tail + chunk[:5] for m in nul_markers):  # no copy of the chunk
                    refusal = BodyRefused(422, "nul_character")
                elif text is not None and (errors := text.feed(chunk, last=not message.get("more_body", False))):
                    refusal = BodyRefused(422, "validation_failed", errors)
                if refusal is not None:
                    raise refusal
                tail = chunk[-5:]
            return message

        try:
            await self.app(scope, receive_checked, send_wrapper)
        except BodyRefused as refused:
            if not replaced:
                await _send_problem(send, scope["path"], refused.status, refused.code, extra, language, refused.errors)
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


class _TextCheck:
    """Invisible characters in a JSON or form body, found while it streams past: each chunk gets
    a fast look (kit.text_safety.may_hold); a suspect body is parsed once complete, before the
    app sees its last chunk, to name the fields (the chunks are kept by reference, not copied)."""

    def __init__(self, form: bool) -> None:
        self.form = form
        self.chunks: list[bytes] = []
        self.suspect = form  # form bodies are small and percent-encoded: always parsed
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.tail = ""

    @classmethod
    def of(cls, content_type: str) -> _TextCheck | None:
        kind = content_type.split(";")[0].strip().lower()
        if kind == "application/json" or kind.endswith("+json"):
            return cls(form=False)
        if kind == "application/x-www-form-urlencoded":
            return cls(form=True)
        return None  # files (CSV imports, multipart) are their own services' business

    def feed(self, chunk: bytes, *, last: bool) -> list[FieldError] | None:
        self.chunks.append(chunk)
        if not self.suspect:
            piece = self.tail + self.decoder.decode(chunk, final=last)
            self.suspect = text_safety.may_hold(piece, astral=b"\xf0" in chunk or b"\xf3" in chunk or bool(self.tail))
            self.tail = piece[-11:]  # an escape (backslash-u and 4 digits) cut by a chunk boundary
        if not last or not self.suspect:
            return None
        body = b"".join(self.chunks)
        found = text_safety.in_form(body) if self.form else text_safety.in_json(body)
        return _field_errors(found) or None


def _invisible_in_address(scope: Scope) -> list[FieldError] | None:
    """Invisible characters in the path or the query string (percent-encoded or raw)."""
    query: bytes = scope.get("query_string", b"")
    found: list[tuple[str, str]] = []
    if char := text_safety.find(scope["path"]):
        found.append(("path", char))
    if query and (b"%" in query or max(query) >= 0x80):
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
        found += text_safety.in_pairs(pairs, "query")
    elif query and (char := text_safety.find(unquote(query.decode("latin-1")))):
        found.append(("query", char))
    return _field_errors(found) or None


def _field_errors(found: list[tuple[str, str]]) -> list[FieldError]:
    return [
        FieldError(
            field=field,
            reason=i18n.text("validation.invisible_character", character=text_safety.describe(char)),
            code="invisible_character",
        )
        for field, char in found[:50]
    ]


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
    send: Send,
    path: str,
    status: int,
    code: str,
    extra: list[tuple[bytes, bytes]],
    language: str,
    errors: list[FieldError] | None = None,
) -> None:
    body: dict[str, Any] = render(path, code=code, status=status, errors=errors)
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
