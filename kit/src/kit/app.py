"""`build_app`: the FastAPI app of a service declared by its `kit.service.Manifest`, with everything
a Shubbak service has in common."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse, Response

from kit import db, errors, http_cache, logs, metrics, openapi, ops, problems, service, telemetry
from kit.auth import Issuer, JWKSCache, TokenVerifier, Verifiers
from kit.clock import Clock
from kit.db import transaction
from kit.messaging.trust import KEYS_PATH
from kit.middleware import RequestContextMiddleware
from kit.runtime import Runtime
from kit.service import Context, Manifest, Sweep
from kit.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)
R = TypeVar("R")


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


def build_app(manifest: Manifest[S, R], settings: S, clock: Clock) -> FastAPI:
    """The FastAPI app of a service declared by `manifest` (call `manifest.create_app()`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.service_name, level=settings.log_level, as_json=settings.log_json)
        telemetry.configure(settings.service_name, settings.otel_exporter)
        runtime = Runtime.build(settings, manifest.metadata, clock=clock)
        app.state.runtime = runtime
        resources: R | None = None
        try:
            resources = await manifest.build_resources(runtime)
            ctx: Context[S, R] = Context(settings=settings, resources=resources, clock=clock)
            runtime.context = ctx
            if manifest.verifier is not None:
                verifier: TokenVerifier | Verifiers | None = manifest.verifier(runtime, resources)
            else:
                verifier = verifiers(settings, runtime.http) if settings.jwks_url else None
            service.install(app, ctx, verifier)
            await runtime.start(manifest.handlers)
            for sweep in manifest.sweeps:
                runtime.every(sweep.seconds(settings), _sweep_run(runtime, sweep, ctx), sweep.name)
            if manifest.start is not None:
                await manifest.start(runtime, ctx)
            runtime.spawn(_warm_openapi(app), "openapi-document")
            yield
        finally:
            await runtime.close()
            aclose = getattr(resources, "aclose", None)
            if aclose is not None:
                await aclose()

    app = FastAPI(
        title=manifest.title,
        description=manifest.description,
        version=manifest.version,
        lifespan=lifespan,
        generate_unique_id_function=openapi.operation_id,
        telemetry=telemetry.NO_NATIVE_TELEMETRY,
    )
    errors.install(app)
    generate = app.openapi
    app.openapi = lambda: openapi.describe(  # type: ignore[method-assign]
        http_cache.declare_not_modified(errors.problem_openapi(generate())), app.routes
    )
    app.add_middleware(http_cache.ConditionalGetMiddleware)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.include_router(operations_router())
    app.include_router(ops.router)
    for router in manifest.routers:
        app.include_router(router)
    if settings.environment != "production":
        for router in manifest.development_routers:
            app.include_router(router)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    return app


async def _warm_openapi(app: FastAPI) -> None:
    """Build the OpenAPI document once, just after start: its first build takes about a second of
    CPU, which the gateway's merged document must not wait for (it fetches with a short timeout)."""
    await asyncio.sleep(0)
    app.openapi()


def _sweep_run(runtime: Runtime[S], sweep: Sweep[S, R], ctx: Context[S, R]) -> Callable[[], Awaitable[object]]:
    async def run() -> object:
        async with transaction(runtime.sessions) as session:
            return await sweep.run(session, ctx)

    return run


def operations_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        failing = [name for name, ok in (await dependency_checks(runtime)).items() if not ok]
        if failing:
            return errors.problem_response(
                request.url.path,
                code="not_ready",
                status=503,
                params={"failing": ", ".join(failing)},
                extra={"failing": failing},
            )
        return JSONResponse({"status": "ready"})

    @router.get(KEYS_PATH)
    async def event_keys(request: Request) -> Response:
        """The public halves of the service's event signing keys (JWKS): consumers verify its events."""
        runtime: Runtime = request.app.state.runtime
        return JSONResponse(runtime.signer.jwks(), headers={"Cache-Control": "public, max-age=60"})

    router.add_api_route("/metrics", metrics.endpoint, methods=["GET"])
    router.add_api_route("/problems.json", problems.endpoint, methods=["GET"])  # the gateway's problem pages
    return router


async def dependency_checks(runtime: Runtime, *, nats: bool = True) -> dict[str, bool]:
    """Readiness: the service's own database and (if it uses one) NATS, nothing else. Another
    service being down is not a reason to take this one out of its load balancer."""
    checks = {"database": await db.reachable(runtime.engine, timeout=2.0)}
    if nats:
        checks["nats"] = runtime.bus is not None and runtime.bus.nc.is_connected
    return checks


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
