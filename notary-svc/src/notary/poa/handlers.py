"""What payment-svc and office-routing-svc report about notary's orders (`notary:<id>`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, orders
from contracts.events.office import AppointmentBooked, AppointmentCancelled, AppointmentVerified
from contracts.events.payment import PaymentSucceeded
from kit import payable
from kit.messaging.consumer import Handlers
from notary.certificates import service as certificates
from notary.deps import utcnow
from notary.documents.signing import DocumentSigner
from notary.poa import service


def register(handlers: Handlers, signer: Callable[[], DocumentSigner]) -> None:
    async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, envelope: Envelope) -> None:
        """Every payment of a notary order is answered: applied to it, or refused (refunded)."""
        if orders.owner_of(event.order_ref) != "notary":
            return
        now = utcnow()
        if (order_id := orders.order_id(event.order_ref, "notary")) is not None:
            if await service.paid(session, poa_id=order_id, event=event, now=now):
                return
            if await certificates.paid(session, request_id=order_id, event=event, signer=signer(), now=now):
                return
        await payable.settle(session, event, None, now=now)  # no such order

    payable.on_payment(handlers, payment_succeeded)

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
