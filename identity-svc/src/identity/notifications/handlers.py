"""Events that concern a citizen → an SMS to their registered mobile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.notary import PoaIssued
from contracts.events.office import AppointmentBooked
from contracts.events.payment import PaymentSucceeded
from contracts.events.ration import EligibilityChanged
from identity.citizens import service as citizens
from identity.notifications import service
from kit import i18n
from kit.messaging.consumer import Handlers

if TYPE_CHECKING:
    from identity.resources import EventCtx, Resources
    from identity.settings import Settings


async def appointment_booked(session: AsyncSession, event: AppointmentBooked, ctx: EventCtx) -> None:
    await service.queue(
        session, event_id=ctx.envelope.id, citizen=await citizens.get(session, citizen_id=event.citizen_id),
        kind="appointment_booked", now=ctx.now(), day=i18n.Day(event.starts_at), time=i18n.Time(event.starts_at),
        ref=event.order_ref,
    )  # fmt: skip


async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, ctx: EventCtx) -> None:
    citizen = await citizens.get(session, citizen_id=event.citizen_id)
    amount = i18n.Money(event.amount_piastres)
    name = await ctx.resources.service_names.get(event.service_code) if citizen is not None else None
    if name is None:  # the catalogue did not answer: the SMS names no service, and never its code
        await service.queue(
            session, event_id=ctx.envelope.id, citizen=citizen, kind="payment_succeeded.unnamed", now=ctx.now(),
            amount=amount,
        )  # fmt: skip
    else:
        await service.queue(
            session, event_id=ctx.envelope.id, citizen=citizen, kind="payment_succeeded", now=ctx.now(),
            amount=amount, service=name,
        )  # fmt: skip


async def document_ready(session: AsyncSession, event: PoaIssued, ctx: EventCtx) -> None:
    citizen = await citizens.by_national_id(session, national_id=event.principal_national_id)
    await service.queue(
        session, event_id=ctx.envelope.id, citizen=citizen, kind="document_ready", now=ctx.now(),
        number=event.document_number,
    )  # fmt: skip


async def eligibility_changed(session: AsyncSession, event: EligibilityChanged, ctx: EventCtx) -> None:
    citizen = await citizens.by_national_id(session, national_id=event.holder_national_id)
    kind = "eligibility_changed.eligible" if event.eligible else "eligibility_changed.excluded"
    await service.queue(
        session, event_id=ctx.envelope.id, citizen=citizen, kind=kind, now=ctx.now(), day=i18n.Day(event.effective_from)
    )


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(AppointmentBooked)(appointment_booked)
    handlers.on(PaymentSucceeded)(payment_succeeded)
    handlers.on(PoaIssued)(document_ready)
    handlers.on(EligibilityChanged)(eligibility_changed)
