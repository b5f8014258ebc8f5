"""`create_app`: the gateway's ASGI app (run: `python -m gateway`, or uvicorn --factory gateway.main:create_app
--http gateway.server:CoalescingHttpToolsProtocol: the protocol saves a send() per response)."""

from __future__ import annotations

from typing import Any

from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway import breaker
from gateway.browser import BrowserEdge
from gateway.ops import create_ops_app, is_own
from gateway.proxy import Proxy
from gateway.routing import RouteTable
from gateway.settings import Settings, load_settings
from gateway.state import Gateway
from gateway.texts import TEXTS
from kit import service, telemetry
from kit.clock import SYSTEM, Clock
from kit.middleware import RequestContextMiddleware


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> ASGIApp:
    """The gateway; refused when a text it shows is missing in Arabic or English. `clock`: the
    time it reads (tests pass a ManualClock or OffsetClock)."""
    service.register_texts(TEXTS, Settings)
    settings = settings or load_settings()
    gateway = Gateway.build(settings, clock=clock or SYSTEM)
    breaker.export(gateway.breakers)
    ops = create_ops_app(gateway)
    proxy = Proxy(gateway)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await (ops if is_own(scope["path"]) else proxy)(scope, receive, send)
        elif scope["type"] == "lifespan":
            await ops(scope, receive, send)
        else:  # websockets are not proxied (yet)
            await receive()
            await send({"type": "websocket.close", "code": 1003})

    browser = BrowserEdge(
        origins=settings.cors_origins, max_age_seconds=settings.cors_max_age_seconds, hsts=settings.hsts
    )
    # One layer around every request: kit's (request id, language, body limits, metrics) adds
    # the browser's headers in its own send wrapper; BrowserEdge only answers preflights.
    browser.app = RequestContextMiddleware(
        dispatch,
        service=settings.service_name,
        max_body_bytes=settings.max_body_bytes,
        response_headers=browser.headers,
        # Invisible characters: the gateway's own routes here; what it proxies, in the service that
        # keeps it (kit's middleware there), not twice on the hot path.
        checks_text=lambda scope: is_own(scope["path"]),
    )
    app: ASGIApp = browser
    traced = OpenTelemetryMiddleware(
        app,
        excluded_urls="healthz,readyz,metrics",
        default_span_details=_span_details(gateway.routes),
        exclude_spans=["receive", "send"],
    )
    inner = app

    async def edge(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await traced(scope, receive, send)
            return
        # Without a tracer provider (GATEWAY_OTEL_EXPORTER=none) the OpenTelemetry middleware
        # records nothing but still costs ~30 µs a request (attributes, URL parsing, wrappers):
        # skip it then. The client's traceparent still reaches the upstream (headers.py).
        if telemetry.enabled():
            await traced(scope, receive, send)
        else:
            await inner(scope, receive, send)

    return edge


def _span_details(routes: RouteTable) -> Any:
    """Span names by route prefix, not by full path (ids in paths would make every name unique)."""

    def details(scope: Scope) -> tuple[str, dict[str, str]]:
        path: str = scope.get("path", "")
        own = is_own(path)
        match = None if own else routes.match(path)
        if match is not None:
            route = match.path
        else:  # the gateway's own: webhooks by prefix, not by id
            route = ("/".join(path.split("/")[:3]) if path.startswith("/v1/") else path) if own else "unmatched"
        return f"{scope.get('method', 'HTTP')} {route}", {"http.route": route}

    return details
