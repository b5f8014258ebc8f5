"""A paid request gets an office appointment; a withdrawn one frees it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.notary import PoaCancelled, PoaPaid
from kit.messaging.consumer import Handlers
from office_routing.appointments import service

if TYPE_CHECKING:
    from office_routing.resources import EventCtx, Resources
    from office_routing.settings import Settings


async def poa_paid(session: AsyncSession, event: PoaPaid, ctx: EventCtx) -> None:
    await service.on_paid(session, event=event, policy=ctx.resources.policy, now=ctx.now())


async def poa_cancelled(session: AsyncSession, event: PoaCancelled, ctx: EventCtx) -> None:
    await service.on_requester_cancelled(session, event=event, now=ctx.now())


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(PoaPaid)(poa_paid)
    handlers.on(PoaCancelled)(poa_cancelled)
