"""Events that concern a citizen → an SMS to their registered mobile."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from contracts.events.notary import PoaIssued
from contracts.events.office import AppointmentBooked
from contracts.events.payment import PaymentSucceeded
from contracts.events.ration import EligibilityChanged
from identity.notifications import service
from kit.messaging.consumer import Handlers


def register(handlers: Handlers) -> None:
    @handlers.on(AppointmentBooked)
    async def appointment_booked(session: AsyncSession, event: AppointmentBooked, envelope: Envelope) -> None:
        cairo = event.starts_at  # shown in UTC+2/+3 by clients; the SMS states the UTC date and time
        await service.queue(
            session, event_id=envelope.id, citizen=await service.citizen_by_id(session, event.citizen_id),
            kind="appointment_booked", day=f"{cairo:%Y-%m-%d}", time=f"{cairo:%H:%M} UTC", ref=event.order_ref,
        )  # fmt: skip

    @handlers.on(PaymentSucceeded)
    async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, envelope: Envelope) -> None:
        pounds = f"{event.amount_piastres // 100}.{event.amount_piastres % 100:02d}"
        await service.queue(
            session, event_id=envelope.id, citizen=await service.citizen_by_id(session, event.citizen_id),
            kind="payment_succeeded", amount=pounds, service=event.service_code,
        )  # fmt: skip

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
        await service.queue(session, event_id=envelope.id, citizen=citizen, kind=kind, day=event.effective_from)
