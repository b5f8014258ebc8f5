"""Events that concern a citizen → an SMS to their registered mobile."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from contracts.events.notary import PoaIssued
from contracts.events.office import AppointmentBooked
from contracts.events.payment import PaymentSucceeded
from contracts.events.ration import EligibilityChanged
from identity.notifications import service
from kit import i18n
from kit.messaging.consumer import Handlers


def register(handlers: Handlers) -> None:
    @handlers.on(AppointmentBooked)
    async def appointment_booked(session: AsyncSession, event: AppointmentBooked, envelope: Envelope) -> None:
        await service.queue(
            session, event_id=envelope.id, citizen=await service.citizen_by_id(session, event.citizen_id),
            kind="appointment_booked", day=i18n.Day(event.starts_at), time=i18n.Time(event.starts_at),
            ref=event.order_ref,
        )  # fmt: skip

    @handlers.on(PaymentSucceeded)
    async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, envelope: Envelope) -> None:
        citizen = await service.citizen_by_id(session, event.citizen_id)
        amount = i18n.Money(event.amount_piastres)
        name = await service.service_name(session, event.service_code) if citizen is not None else None
        if name is None:  # the catalogue did not answer: the SMS names no service, and never its code
            await service.queue(
                session, event_id=envelope.id, citizen=citizen, kind="payment_succeeded.unnamed", amount=amount
            )
        else:
            await service.queue(
                session, event_id=envelope.id, citizen=citizen, kind="payment_succeeded", amount=amount, service=name
            )

    @handlers.on(PoaIssued)
    async def document_ready(session: AsyncSession, event: PoaIssued, envelope: Envelope) -> None:
        citizen = await service.citizen_by_national_id(session, event.principal_national_id)
        await service.queue(
            session, event_id=envelope.id, citizen=citizen, kind="document_ready", number=event.document_number
        )

    @handlers.on(EligibilityChanged)
    async def eligibility_changed(session: AsyncSession, event: EligibilityChanged, envelope: Envelope) -> None:
        citizen = await service.citizen_by_national_id(session, event.holder_national_id)
        kind = "eligibility_changed.eligible" if event.eligible else "eligibility_changed.excluded"
        await service.queue(
            session, event_id=envelope.id, citizen=citizen, kind=kind, day=i18n.Day(event.effective_from)
        )
