"""`create_service_app`: a FastAPI app with everything a Shubbak service has in common."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse, Response

from kit import errors, http_cache, logs, metrics, telemetry
from kit.auth import Issuer, JWKSCache, TokenVerifier, Verifiers
from kit.messaging.consumer import Handlers
from kit.middleware import RequestContextMiddleware
from kit.runtime import Runtime
from kit.settings import ServiceSettings

Hook = Callable[[Runtime], Awaitable[None]]


def verifiers(settings: ServiceSettings, http: httpx.AsyncClient) -> Verifiers:
    """identity-svc for citizens and staff; the gateway, if configured, for integrators."""
    trusted = [
        TokenVerifier(
            JWKSCache(settings.jwks_url or "", http),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            issued_by=Issuer.IDENTITY,
        )
    ]
    if settings.integrator_jwks_url:
        trusted.append(
            TokenVerifier(
                JWKSCache(settings.integrator_jwks_url, http),
                issuer=settings.integrator_issuer,
                audience=settings.jwt_audience,
                issued_by=Issuer.GATEWAY,
            )
        )
    return Verifiers(*trusted)


def create_service_app(
    *,
    settings: ServiceSettings,
    metadata: MetaData,
    routers: Sequence[APIRouter] = (),
    handlers: Handlers | None = None,
    title: str,
    description: str = "",
    version: str = "0.1.0",
    on_startup: Hook | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.service_name, level=settings.log_level, as_json=settings.log_json)
        telemetry.configure(settings.service_name, settings.otel_exporter)
        runtime = Runtime.build(settings, metadata)
        app.state.runtime = runtime
        if settings.jwks_url:
            app.state.verifier = verifiers(settings, runtime.http)
        try:
            await runtime.start(handlers)
            if on_startup is not None:
                await on_startup(runtime)
            yield
        finally:
            await runtime.close()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    errors.install(app)
    generate = app.openapi
    app.openapi = lambda: http_cache.declare_not_modified(errors.problem_openapi(generate()))  # type: ignore[method-assign]
    app.add_middleware(http_cache.ConditionalGetMiddleware)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.include_router(operations_router())
    for router in routers:
        app.include_router(router)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    return app


def operations_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        failing = [name for name, ok in (await _checks(runtime)).items() if not ok]
        if failing:
            return errors.problem_response(
                request.url.path,
                code="not_ready",
                status=503,
                params={"failing": ", ".join(failing)},
                extra={"failing": failing},
            )
        return JSONResponse({"status": "ready"})

    router.add_api_route("/metrics", metrics.endpoint, methods=["GET"])
    return router


async def _checks(runtime: Runtime) -> dict[str, bool]:
    async def database() -> bool:
        try:
            async with runtime.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), 2.0)
            return True
        except Exception:  # noqa: BLE001
            return False

    nats_ok = runtime.bus is not None and runtime.bus.nc.is_connected
    return {"database": await database(), "nats": nats_ok}


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed after the route returns, rolled back if it raises
    (unless it raises a `ProblemError(commit=True)`: a refusal whose bookkeeping must stay)."""
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        await session.begin()
        try:
            yield session
        except errors.ProblemError as exc:
            await (session.commit() if exc.commit else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
