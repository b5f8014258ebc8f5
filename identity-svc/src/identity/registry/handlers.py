"""The registry authority's civil-status events keep the mirror current."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.civil import (
    AddressChanged,
    BirthRegistered,
    DeathRegistered,
    DivorceRegistered,
    MarriageRegistered,
)
from identity.citizens import service as citizens
from identity.registry import service
from identity.sessions import service as tokens
from kit.messaging.consumer import Handlers

if TYPE_CHECKING:
    from identity.resources import EventCtx, Resources
    from identity.settings import Settings


async def birth(session: AsyncSession, event: BirthRegistered, ctx: EventCtx) -> None:
    await service.register_birth(session, event=event)


async def death(session: AsyncSession, event: DeathRegistered, ctx: EventCtx) -> None:
    await service.register_death(session, event=event)
    citizen = await citizens.mark_deceased(session, national_id=event.national_id)
    if citizen is not None:
        await tokens.revoke_citizen(session, citizen_id=citizen.id, reason="deceased", now=ctx.now())


async def marriage(session: AsyncSession, event: MarriageRegistered, ctx: EventCtx) -> None:
    await service.register_marriage(session, event=event)


async def divorce(session: AsyncSession, event: DivorceRegistered, ctx: EventCtx) -> None:
    await service.register_divorce(session, event=event)


async def address(session: AsyncSession, event: AddressChanged, ctx: EventCtx) -> None:
    await service.change_address(session, event=event)


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(BirthRegistered)(birth)
    handlers.on(DeathRegistered)(death)
    handlers.on(MarriageRegistered)(marriage)
    handlers.on(DivorceRegistered)(divorce)
    handlers.on(AddressChanged)(address)
