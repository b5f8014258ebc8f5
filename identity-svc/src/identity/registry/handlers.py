"""The registry authority's civil-status events keep the mirror current."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
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


def register(handlers: Handlers) -> None:
    @handlers.on(BirthRegistered)
    async def birth(session: AsyncSession, event: BirthRegistered, envelope: Envelope) -> None:
        await service.register_birth(session, event=event)

    @handlers.on(DeathRegistered)
    async def death(session: AsyncSession, event: DeathRegistered, envelope: Envelope) -> None:
        await service.register_death(session, event=event)
        citizen = await citizens.mark_deceased(session, national_id=event.national_id)
        if citizen is not None:
            await tokens.revoke_citizen(session, citizen_id=citizen.id, reason="deceased")

    @handlers.on(MarriageRegistered)
    async def marriage(session: AsyncSession, event: MarriageRegistered, envelope: Envelope) -> None:
        await service.register_marriage(session, event=event)

    @handlers.on(DivorceRegistered)
    async def divorce(session: AsyncSession, event: DivorceRegistered, envelope: Envelope) -> None:
        await service.register_divorce(session, event=event)

    @handlers.on(AddressChanged)
    async def address(session: AsyncSession, event: AddressChanged, envelope: Envelope) -> None:
        await service.change_address(session, event=event)
