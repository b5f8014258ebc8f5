"""A paid request gets an office appointment; a withdrawn one frees it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from contracts.events.notary import PoaCancelled, PoaPaid
from kit.messaging.consumer import Handlers
from office_routing import clock
from office_routing.appointments import service

policy = service.Policy()
"""The booking rules; `main.create_app` sets them from the settings."""


def configure(rules: service.Policy) -> None:
    global policy
    policy = rules


async def poa_paid(session: AsyncSession, event: PoaPaid, envelope: Envelope) -> None:
    await service.on_paid(session, event=event, policy=policy, now=clock.now())


async def poa_cancelled(session: AsyncSession, event: PoaCancelled, envelope: Envelope) -> None:
    await service.on_requester_cancelled(session, event=event, now=clock.now())


def register(handlers: Handlers) -> None:
    handlers.on(PoaPaid)(poa_paid)
    handlers.on(PoaCancelled)(poa_cancelled)
