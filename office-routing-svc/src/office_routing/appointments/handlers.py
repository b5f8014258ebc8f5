"""A paid request gets an office appointment; a withdrawn one frees it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from contracts.events.notary import PoaCancelled, PoaPaid
from kit.messaging.consumer import Handlers
from kit.runtime import resources_of
from office_routing import clock
from office_routing.appointments import service


async def poa_paid(session: AsyncSession, event: PoaPaid, envelope: Envelope) -> None:
    policy: service.Policy = resources_of(session)["policy"]  # the booking rules, from the settings
    await service.on_paid(session, event=event, policy=policy, now=clock.now())


async def poa_cancelled(session: AsyncSession, event: PoaCancelled, envelope: Envelope) -> None:
    await service.on_requester_cancelled(session, event=event, now=clock.now())


def register(handlers: Handlers) -> None:
    handlers.on(PoaPaid)(poa_paid)
    handlers.on(PoaCancelled)(poa_cancelled)
