"""What payment-svc and office-routing-svc report about powers of attorney (`notary:<id>`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import orders
from contracts.events.office import AppointmentBooked, AppointmentCancelled, AppointmentVerified
from contracts.events.payment import PaymentSucceeded
from kit.evidence import FactRef
from kit.messaging.consumer import Handlers
from notary.poa import service

if TYPE_CHECKING:
    from notary.resources import EventCtx, Resources
    from notary.settings import Settings


async def paid(session: AsyncSession, order_id: uuid.UUID, event: PaymentSucceeded, ctx: EventCtx) -> bool:
    """A payment of order `order_id`; False if that is not a power of attorney (notary's payment
    handler, notary.handlers, asks each kind of order)."""
    return await service.paid(session, poa_id=order_id, event=event, evidence=FactRef.of(ctx.envelope), now=ctx.now())


async def booked(session: AsyncSession, event: AppointmentBooked, ctx: EventCtx) -> None:
    if (poa_id := orders.order_id(event.order_ref, "notary")) is not None:
        await service.appointment_booked(session, poa_id=poa_id, event=event, now=ctx.now())


async def cancelled(session: AsyncSession, event: AppointmentCancelled, ctx: EventCtx) -> None:
    if (poa_id := orders.order_id(event.order_ref, "notary")) is not None:
        await service.appointment_cancelled(session, poa_id=poa_id, event=event, now=ctx.now())


async def verified(session: AsyncSession, event: AppointmentVerified, ctx: EventCtx) -> None:
    if (poa_id := orders.order_id(event.order_ref, "notary")) is not None:
        await service.appointment_verified(
            session,
            poa_id=poa_id,
            event=event,
            evidence=FactRef.of(ctx.envelope),
            signer=ctx.resources.signer,
            now=ctx.now(),
        )


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(AppointmentBooked)(booked)
    handlers.on(AppointmentCancelled)(cancelled)
    handlers.on(AppointmentVerified)(verified)
