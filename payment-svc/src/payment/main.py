from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from kit.app import create_service_app
from kit.auth import JWKSCache
from kit.catalog import ServiceNames
from kit.db import transaction
from kit.runtime import Runtime
from payment.answers import service as answers
from payment.deps import utcnow
from payment.handlers import handlers
from payment.intents import routes as intent_routes
from payment.intents.service import expire_due
from payment.ledger import routes as ledger_routes
from payment.models import Base, load_all
from payment.money import service as money
from payment.notifications import routes as notification_routes
from payment.providers import routes as sandbox_routes
from payment.providers.base import Providers
from payment.providers.sandbox import PROVIDERS, Sandbox, SandboxProvider
from payment.quotes.service import QuoteVerifier
from payment.receipts import routes as receipt_routes
from payment.reconciliation import routes as reconciliation_routes
from payment.refunds import routes as refund_routes
from payment.settings import Settings

log = logging.getLogger("payment")

load_all()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    routers = [
        ledger_routes.router,
        reconciliation_routes.router,
        refund_routes.router,
        intent_routes.router,
        receipt_routes.router,
        notification_routes.router,
    ]
    if settings.environment != "production":
        routers.append(sandbox_routes.router)

    async def on_startup(runtime: Runtime) -> None:
        app.state.quote_verifier = QuoteVerifier(
            JWKSCache(settings.quote_jwks_url, runtime.http),
            issuer=settings.quote_issuer,
            audience=settings.quote_audience,
        )
        if settings.environment != "production":
            sandbox = Sandbox(
                secrets_by_provider={p: settings.notification_secret(p) for p in PROVIDERS},
                callback_url=settings.callback_url,
                public_url=settings.public_base_url,
                http=runtime.http,
                delay_seconds=settings.sandbox_delay_seconds,
            )
            app.state.sandbox = sandbox
            app.state.providers = Providers({p: SandboxProvider(sandbox, p) for p in PROVIDERS})
        else:
            # Real acquirer, wallet and cash-network adapters plug in here (none yet).
            app.state.providers = Providers()
        runtime.resources["providers"] = app.state.providers  # the answer handlers'
        app.state.service_names = ServiceNames(runtime.http, settings.catalog_url)
        runtime.spawn(_every(runtime, "expiry", settings.expiry_sweep_seconds, _expire), name="payment-expiry")
        policy = answers.Policy.of(settings)
        providers = app.state.providers

        async def answer_sweep(session: AsyncSession) -> None:
            await answers.sweep(session, providers=providers, policy=policy, now=utcnow())
            await money.watch(session, service_time=policy.service_time, now=utcnow())

        runtime.spawn(_every(runtime, "answer", settings.answer_sweep_seconds, answer_sweep), name="payment-answers")

    app = create_service_app(
        settings=settings,
        metadata=Base.metadata,
        routers=routers,
        handlers=handlers,
        title="Shubbak payments: card, wallet, post office, e-payment networks",
        on_startup=on_startup,
    )
    return app


async def _expire(session: AsyncSession) -> None:
    await expire_due(session, now=utcnow())


async def _every(runtime: Runtime, what: str, seconds: float, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Run a sweep in its own transaction every `seconds`. The state is in the database, so a
    replica that dies loses nothing: the next sweep (here or elsewhere) picks it up."""
    while not runtime.stop.is_set():
        try:
            async with transaction(runtime.sessions) as session:
                await work(session)
        except Exception as exc:  # noqa: BLE001 - try again at the next sweep
            log.warning("%s sweep failed: %s", what, exc)
        try:
            await asyncio.wait_for(runtime.stop.wait(), seconds)
        except TimeoutError:
            pass
