"""The gateway's own endpoints: health, readiness, metrics, the merged API docs (served whole:
gateway.docs), the problem pages, the events' JSON Schemas and AsyncAPI document; and the
integrators' OAuth token endpoint, webhooks and events endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

from contracts import __version__ as contracts_version
from contracts.export import asyncapi
from gateway import docs as documentation
from gateway import problems
from gateway.event_keys.routes import router as event_key_router
from gateway.events import routes as events
from gateway.integrators.routes import router as integrator_router
from gateway.openapi import MergedOpenAPI, own_document
from gateway.state import Gateway
from gateway.tracing import instrument_clients
from gateway.webhooks import rotation_routes
from gateway.webhooks.routes import _integrator_caller
from gateway.webhooks.routes import router as webhook_router
from kit import errors, logs, metrics, openapi, service, telemetry
from kit import ops as operators
from kit.auth import ADMITS, Admits

OWN_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/asyncapi.json",
        "/docs",
        "/redoc",
        "/problems.json",
        "/v1/events",
        "/.well-known/integrator-jwks.json",
        "/.well-known/integrator-event-keys.json",
        "/v1/event-keys",
        "/v1/integrator-event-keys",
    }
)
OWN_PREFIXES = (
    "/v1/oauth/",
    "/v1/webhooks/",
    "/v1/event-keys/",
    "/v1/integrator-event-keys/",
    "/ops/",
    "/docs/",
    "/problems/",
    "/schemas/",
)


def is_own(path: str) -> bool:
    """Paths the gateway answers itself: integrators' OAuth, webhooks and events, docs, problem
    pages, schemas, operations (the dead letters of its webhook consumers, for admins inside the
    cluster: the Ingress has no /ops)."""
    return path in OWN_PATHS or path == "/v1/webhooks" or path.startswith(OWN_PREFIXES)


# Until webhooks/routes.py marks its gate itself (kit.auth.admitting): integrators only.
ADMITS.setdefault(_integrator_caller, Admits(integrator=frozenset()))


def create_ops_app(gateway: Gateway) -> FastAPI:
    settings = gateway.settings
    merged = MergedOpenAPI(gateway)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.service_name, level=settings.log_level, as_json=settings.log_json)
        telemetry.configure(settings.service_name, settings.otel_exporter)
        instrument_clients()  # before the upstream session is created
        await gateway.open()
        assert gateway.runtime is not None
        # kit's Session, Ctx, Now and CurrentCaller (integrator tokens too), as in every service
        service.attach(app, gateway.runtime, gateway.context(), gateway.verifier)
        try:
            yield
        finally:
            await gateway.close()

    app = FastAPI(
        title="Shubbak gateway",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry.NO_NATIVE_TELEMETRY,  # the OpenTelemetry ASGI middleware around the gateway makes the span
        generate_unique_id_function=openapi.operation_id,
    )
    errors.install(app)
    app.include_router(integrator_router)
    app.include_router(webhook_router)
    app.include_router(rotation_routes.router(gateway))
    app.include_router(events.router(gateway))
    app.include_router(event_key_router)
    app.include_router(documentation.router())
    app.include_router(problems.router(gateway))
    app.include_router(operators.router)
    events_document: dict[str, Any] = {}

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        """Ready when the gateway's own database (and NATS, with events) answer; the upstreams'
        circuits are shown, not judged: a service that is down must not take the API away."""
        failing = await gateway.failing_dependencies()
        circuits = gateway.circuits()
        if failing:
            return errors.problem_response(
                request.url.path,
                code="not_ready",
                status=503,
                params={"failing": ", ".join(failing)},
                extra={"failing": failing, "circuits": circuits},
            )
        return JSONResponse({"status": "ready", "circuits": circuits})

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_document() -> dict[str, Any]:
        return await merged.document(own=own_document(app))

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi_document() -> dict[str, Any]:
        if not events_document:  # built in-process from contracts, once
            events_document.update(asyncapi(contracts_version, settings.public_url))
        return events_document

    app.add_api_route("/metrics", metrics.endpoint, methods=["GET"], include_in_schema=False)
    return app
