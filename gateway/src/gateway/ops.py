"""The gateway's own endpoints: health, readiness, metrics and the merged API docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.telemetry import TelemetryConfig
from starlette.responses import HTMLResponse, JSONResponse, Response

from gateway.openapi import TITLE, MergedOpenAPI
from gateway.state import Gateway
from kit import errors, logs, metrics, telemetry

OWN_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"})
# The OpenTelemetry ASGI middleware around the whole gateway already makes the server span.
NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_ops_app(gateway: Gateway) -> FastAPI:
    settings = gateway.settings
    merged = MergedOpenAPI(gateway)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.service_name, level=settings.log_level, as_json=settings.log_json)
        telemetry.configure(settings.service_name, settings.otel_exporter)
        await gateway.open()
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
        telemetry=NO_NATIVE_TELEMETRY,
    )
    errors.install(app)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> Response:
        failing = await gateway.failing_upstreams()
        if failing:
            return errors.problem_response(
                request.url.path,
                code="not_ready",
                status=503,
                params={"failing": ", ".join(failing)},
                extra={"failing": failing},
            )
        return JSONResponse({"status": "ready"})

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        return await merged.document()

    @app.get("/docs")
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=TITLE)

    app.add_api_route("/metrics", metrics.endpoint, methods=["GET"])
    return app
