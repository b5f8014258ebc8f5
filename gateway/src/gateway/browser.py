"""What browsers need from the edge: security headers on every answer, and CORS for the
configured web frontends' origins (exact matches; no credentials: tokens travel in headers)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

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
    """Preflights are answered here; every other answer gets `headers(scope)` appended by
    kit's `RequestContextMiddleware` (its `response_headers` hook), in the one pass that adds
    X-Request-ID: one send wrapper per request instead of two. `app` is set by whoever
    assembles the stack (`gateway.main`), as that middleware needs `headers` first."""

    def __init__(self, *, origins: Sequence[str], max_age_seconds: int, hsts: bool) -> None:
        self.app: ASGIApp | None = None
        self.origins = frozenset(origin.rstrip("/").encode("latin-1") for origin in origins)
        self.max_age = str(max_age_seconds).encode()
        base = list(_API_HEADERS)
        if hsts:
            base.append(_HSTS)
        self._docs = tuple(base)  # the Swagger page loads its scripts and styles from a CDN: no CSP
        self._api = (*base, _API_CSP)

    def headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        """Security headers, and CORS's when the request comes from a configured origin."""
        extra = list(self._docs if scope["path"] == _DOCS_PATH else self._api)
        if self.origins:
            for name, value in scope["headers"]:
                if name == b"origin":
                    if value in self.origins:
                        extra += [
                            (b"access-control-allow-origin", value),
                            (b"access-control-expose-headers", EXPOSED_HEADERS),
                            (b"vary", b"Origin"),
                        ]
                    break
        return extra

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "BrowserEdge.app is not set"
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            origin = preflight = None
            for name, value in scope["headers"]:
                if name == b"origin":
                    origin = value
                elif name == b"access-control-request-method":
                    preflight = value
            if origin is not None and preflight is not None:
                await self._preflight(send, origin if origin in self.origins else None)
                return
        await self.app(scope, receive, send)

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
