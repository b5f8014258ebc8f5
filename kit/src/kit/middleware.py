"""Plain ASGI middleware (no BaseHTTPMiddleware: it costs throughput) for every request:
request id, language, body size limit, metrics."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit import i18n
from kit.context import set_request_id
from kit.errors import render
from kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, service: str, max_body_bytes: int = 1_048_576) -> None:
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        set_request_id(request_id)
        language = i18n.negotiate(headers.get("accept-language"))
        i18n.set_language(language)
        start = time.perf_counter()
        status_holder = {"status": 500}

        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _send_problem(send, scope["path"], 413, "payload_too_large", request_id, language)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                extra = [(b"x-request-id", request_id.encode())]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, receive_limited, send_wrapper)
        except _TooLarge:
            await _send_problem(send, scope["path"], 413, "payload_too_large", request_id, language)
            status_holder["status"] = 413
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - start
            HTTP_REQUESTS.labels(self.service, scope["method"], template, str(status_holder["status"])).inc()
            HTTP_LATENCY.labels(self.service, scope["method"], template).observe(elapsed)


class _TooLarge(Exception):
    pass


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


async def _send_problem(send: Send, path: str, status: int, code: str, request_id: str, language: str) -> None:
    import json

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
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
