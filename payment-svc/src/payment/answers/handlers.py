"""The owning services' answers (each handler idempotent through the inbox, and by the state)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from contracts.events.payment import PaymentApplied, PaymentRefused
from kit.messaging.consumer import Handlers
from kit.runtime import resources_of
from payment.answers import service
from payment.deps import utcnow
from payment.providers.base import Providers


def register(handlers: Handlers) -> None:
    @handlers.on(PaymentApplied)
    async def applied(session: AsyncSession, event: PaymentApplied, envelope: Envelope) -> None:
        await service.applied(session, event=event, now=utcnow())

    @handlers.on(PaymentRefused)
    async def refused(session: AsyncSession, event: PaymentRefused, envelope: Envelope) -> None:
        providers: Providers = resources_of(session)["providers"]  # set by payment.main at startup
        await service.refused(session, event=event, providers=providers, now=utcnow())
