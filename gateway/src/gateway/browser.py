"""What browsers need from the edge: security headers on every answer, and CORS for the
configured web frontends' origins (exact matches; no credentials: tokens travel in headers)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOWED_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = (
    b"Authorization, Content-Type, Accept, Accept-Language, Idempotency-Key, If-None-Match, If-Match, X-Request-ID"
)
EXPOSED_HEADERS = (
    b"X-Request-ID, Retry-After, ETag, Location, Content-Language, Idempotent-Replayed, Link, "
    b"RateLimit-Policy, Cache-Control"
)
_API_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
_DOCS_PATH = "/docs"  # the Swagger page loads its scripts and styles from a CDN


class BrowserEdge:
    def __init__(self, app: ASGIApp, *, origins: Sequence[str], max_age_seconds: int, hsts: bool) -> None:
        self.app = app
        self.origins = frozenset(origin.rstrip("/").encode("latin-1") for origin in origins)
        self.max_age = str(max_age_seconds).encode()
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = preflight = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                preflight = value
        allowed = origin is not None and origin in self.origins
        if scope["method"] == "OPTIONS" and origin is not None and preflight is not None:
            await self._preflight(send, origin if allowed else None)
            return
        extra = list(_API_HEADERS)
        if scope["path"] != _DOCS_PATH:
            extra.append(_API_CSP)
        if self.hsts:
            extra.append(_HSTS)
        if allowed:
            assert origin is not None
            extra += [
                (b"access-control-allow-origin", origin),
                (b"access-control-expose-headers", EXPOSED_HEADERS),
                (b"vary", b"Origin"),
            ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(self, send: Send, origin: bytes | None) -> None:
        headers = [(b"content-length", b"0"), (b"vary", b"Origin"), *_API_HEADERS]
        if origin is not None:
            headers += [
                (b"access-control-allow-origin", origin),
                (b"access-control-allow-methods", ALLOWED_METHODS),
                (b"access-control-allow-headers", ALLOWED_HEADERS),
                (b"access-control-max-age", self.max_age),
            ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
