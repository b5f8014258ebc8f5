"""What payment-svc and office-routing-svc report about notary's orders (`notary:<id>`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, orders
from contracts.events.office import AppointmentBooked, AppointmentCancelled, AppointmentVerified
from contracts.events.payment import PaymentSucceeded
from kit.messaging.consumer import Handlers
from notary.certificates import service as certificates
from notary.deps import utcnow
from notary.documents.signing import DocumentSigner
from notary.poa import service


def register(handlers: Handlers, signer: Callable[[], DocumentSigner]) -> None:
    @handlers.on(PaymentSucceeded)
    async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, envelope: Envelope) -> None:
        order_id = orders.order_id(event.order_ref, "notary")
        if order_id is None:
            return
        now = utcnow()
        if not await service.paid(session, poa_id=order_id, event=event, now=now):
            await certificates.paid(session, request_id=order_id, event=event, signer=signer(), now=now)

    @handlers.on(AppointmentBooked)
    async def booked(session: AsyncSession, event: AppointmentBooked, envelope: Envelope) -> None:
        if (poa_id := orders.order_id(event.order_ref, "notary")) is not None:
            await service.appointment_booked(session, poa_id=poa_id, event=event, now=utcnow())

    @handlers.on(AppointmentCancelled)
    async def cancelled(session: AsyncSession, event: AppointmentCancelled, envelope: Envelope) -> None:
        if (poa_id := orders.order_id(event.order_ref, "notary")) is not None:
            await service.appointment_cancelled(session, poa_id=poa_id, event=event, now=utcnow())

    @handlers.on(AppointmentVerified)
    async def verified(session: AsyncSession, event: AppointmentVerified, envelope: Envelope) -> None:
        if (poa_id := orders.order_id(event.order_ref, "notary")) is not None:
            await service.appointment_verified(session, poa_id=poa_id, event=event, signer=signer(), now=utcnow())
