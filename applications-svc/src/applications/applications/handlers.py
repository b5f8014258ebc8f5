"""What payment-svc and office routing report about applications (`applications:<id>`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from applications.applications import fulfilment, service
from applications.applications.history import step
from applications.applications.models import Application
from applications.applications.repository import ApplicationRepository
from applications.resources import EventCtx, Resources
from applications.settings import Settings
from contracts import orders
from contracts.events.office import AppointmentBooked, AppointmentCancelled, AppointmentVerified
from contracts.events.payment import PaymentSucceeded
from kit import payable
from kit.messaging.consumer import Handlers

OWNER = "applications"


async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, ctx: EventCtx) -> None:
    """Every payment of an application is answered: applied to it, or refused (refunded)."""
    if orders.owner_of(event.order_ref) != OWNER:
        return
    if (order_id := orders.order_id(event.order_ref, OWNER)) is None:
        await payable.settle(session, event, None, now=ctx.now())
        return
    await service.paid(session, order_id, event, signer=ctx.resources.signer, now=ctx.now())


async def _visit(session: AsyncSession, order_ref: str) -> Application | None:
    if (order_id := orders.order_id(order_ref, OWNER)) is None:
        return None
    app = await ApplicationRepository(session).get(order_id, for_update=True)
    return app if app is not None and app.status == "awaiting_visit" else None


async def on_booked(session: AsyncSession, event: AppointmentBooked, ctx: EventCtx) -> None:
    if (app := await _visit(session, event.order_ref)) is not None:
        await step(
            session,
            app,
            "visit_booked",
            actor="office_routing",
            now=ctx.now(),
            office_id=str(event.office_id),
            starts_at=event.starts_at.isoformat(),
        )


async def on_verified(session: AsyncSession, event: AppointmentVerified, ctx: EventCtx) -> None:
    if (app := await _visit(session, event.order_ref)) is not None:
        await fulfilment.complete(session, app, now=ctx.now(), detail={"office_id": str(event.office_id)})


async def on_visit_cancelled(session: AsyncSession, event: AppointmentCancelled, ctx: EventCtx) -> None:
    if (app := await _visit(session, event.order_ref)) is not None:
        await step(session, app, "visit_cancelled", actor="office_routing", now=ctx.now(), reason=event.reason)


def register(handlers: Handlers[Settings, Resources]) -> None:
    payable.on_payment(handlers, payment_succeeded)
    handlers.on(AppointmentBooked)(on_booked)
    handlers.on(AppointmentVerified)(on_verified)
    handlers.on(AppointmentCancelled)(on_visit_cancelled)
