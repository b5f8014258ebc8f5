"""A service's request for an office visit gets an appointment; a withdrawn request frees it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.office import AppointmentRequested, AppointmentWithdrawn
from kit.messaging.consumer import Handlers
from office_routing.appointments import service

if TYPE_CHECKING:
    from office_routing.resources import EventCtx, Resources
    from office_routing.settings import Settings


async def requested(session: AsyncSession, event: AppointmentRequested, ctx: EventCtx) -> None:
    await service.on_requested(session, event=event, policy=ctx.resources.policy, now=ctx.now())


async def withdrawn(session: AsyncSession, event: AppointmentWithdrawn, ctx: EventCtx) -> None:
    await service.on_withdrawn(session, event=event, now=ctx.now())


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(AppointmentRequested)(requested)
    handlers.on(AppointmentWithdrawn)(withdrawn)
