"""The owning services' answers (each handler idempotent through the inbox, and by the state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.payment import PaymentApplied, PaymentRefused
from kit.messaging.consumer import Handlers
from payment.answers import service

if TYPE_CHECKING:
    from payment.resources import EventCtx, Resources
    from payment.settings import Settings


async def applied(session: AsyncSession, event: PaymentApplied, ctx: EventCtx) -> None:
    await service.applied(session, event=event, now=ctx.now())


async def refused(session: AsyncSession, event: PaymentRefused, ctx: EventCtx) -> None:
    await service.refused(session, event=event, providers=ctx.resources.providers, now=ctx.now())


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(PaymentApplied)(applied)
    handlers.on(PaymentRefused)(refused)
