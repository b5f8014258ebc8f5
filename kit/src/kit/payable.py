"""The owning service's side of the order/payment contract (`contracts.events.payment`), the
same for every order type (powers of attorney, certificates, card replacements, newborn
additions, the next service).

On `payment.intent.succeeded.v1` the owner locks its order, describes it as an `Order`, and calls
`settle`: the payment is judged against the order (its citizen, service, fee and state), the
answer is recorded in the owner's outbox in the same transaction (`payment.order.applied.v1` or
`payment.order.refused.v1`), and the verdict says whether to do the order's work now. A refused
payment is refunded by payment-svc; the owner does nothing else. When an order whose payment was
applied ends before its service (a cancellation), the owner calls `release`: the money goes back
the same way.

A repeated announcement of the payment already applied (a redelivery, payment-svc asking again
with `payment.order.answer_requested.v1`) is answered the same way and does nothing else, so an
order is never served twice. `on_payment` registers one handler for both announcements."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, orders
from contracts.events.payment import (
    PaymentAnswerRequested,
    PaymentApplied,
    PaymentRefused,
    PaymentSucceeded,
    RefusalReason,
)
from kit.messaging import record
from kit.messaging.consumer import Handlers, WantedFn
from kit.settings import ServiceSettings

if TYPE_CHECKING:
    from kit.service import EventContext

log = logging.getLogger("kit.payable")


@dataclass(frozen=True)
class Order:
    """What the owner knows of one of its orders, to judge a payment for it."""

    citizen_id: uuid.UUID
    """Who the order is for: the citizen the quote was bound to."""
    service_code: str
    fee_piastres: int | None
    """The fee the order was last quoted (None: never quoted)."""
    awaiting_payment: bool
    paid_by: uuid.UUID | None = None
    """The payment already applied to the order, if any."""
    ended: RefusalReason | None = None
    """Why the order takes no payment any more (`order_cancelled`, `order_expired`), if it ended."""


class OrderRow(Protocol):
    """An owner's order table with the usual columns (notary's powers of attorney, certificates)."""

    @property
    def citizen_id(self) -> uuid.UUID: ...
    @property
    def service_code(self) -> str: ...
    @property
    def amount_piastres(self) -> int | None: ...
    @property
    def payment_id(self) -> uuid.UUID | None: ...
    @property
    def status(self) -> str: ...


def order_of(row: OrderRow, *, awaiting: str = "awaiting_payment", cancelled: str = "cancelled") -> Order:
    """The `Order` of a row whose status is `awaiting` until paid and `cancelled` if it ended."""
    return Order(
        citizen_id=row.citizen_id,
        service_code=row.service_code,
        fee_piastres=row.amount_piastres,
        awaiting_payment=row.status == awaiting,
        paid_by=row.payment_id,
        ended="order_cancelled" if row.status == cancelled else None,
    )


@dataclass(frozen=True)
class Verdict:
    apply: bool
    """True once per order: do the order's work for this payment now."""
    reason: RefusalReason | None = None
    """Why the payment is refused (None: applied, now or before)."""
    detail: str | None = None

    @property
    def applied(self) -> bool:
        return self.reason is None


def judge(order: Order | None, event: PaymentSucceeded, *, now: datetime) -> Verdict:
    """Whether `event` pays `order` (pure: no I/O)."""
    if order is None:
        return Verdict(False, "order_not_found", f"{event.order_ref} is not an order of this service")
    if order.paid_by == event.payment_id:  # announced again: the same answer, nothing more to do
        return Verdict(False, order.ended, "released when the order ended") if order.ended else Verdict(False)
    if order.paid_by is not None:
        return Verdict(False, "already_paid", f"the order was paid by {order.paid_by}")
    if order.ended is not None:
        return Verdict(False, order.ended, "the order ended before the payment arrived")
    if not order.awaiting_payment:
        return Verdict(False, "not_awaiting_payment", "the order does not await a payment")
    if event.answer_by is not None and now > event.answer_by:
        return Verdict(False, "answer_too_late", f"announced for an answer by {event.answer_by.isoformat()}")
    if event.citizen_id != order.citizen_id:
        return Verdict(False, "citizen_mismatch", f"paid by {event.citizen_id}, the order is {order.citizen_id}'s")
    if event.service_code != order.service_code:
        return Verdict(False, "service_mismatch", f"paid for {event.service_code}, the order is {order.service_code}")
    if event.amount_piastres != order.fee_piastres:
        return Verdict(
            False, "amount_mismatch", f"paid {event.amount_piastres} piastres, the fee is {order.fee_piastres}"
        )
    return Verdict(True)


async def settle(session: AsyncSession, event: PaymentSucceeded, order: Order | None, *, now: datetime) -> Verdict:
    """Judge the payment and record the answer; the caller does the order's work if `apply`."""
    verdict = judge(order, event, now=now)
    if verdict.applied:
        assert order is not None
        await record(
            session,
            PaymentApplied(
                payment_id=event.payment_id,
                order_ref=event.order_ref,
                citizen_id=order.citizen_id,
                service_code=order.service_code,
                amount_piastres=event.amount_piastres,
                applied_at=now,
            ),
        )
        return verdict
    assert verdict.reason is not None
    log.warning("payment %s for %s refused: %s (%s)", event.payment_id, event.order_ref, verdict.reason, verdict.detail)
    await release(
        session,
        payment_id=event.payment_id,
        order_ref=event.order_ref,
        citizen_id=event.citizen_id,
        reason=verdict.reason,
        detail=verdict.detail,
        now=now,
    )
    return verdict


async def release(
    session: AsyncSession,
    *,
    payment_id: uuid.UUID,
    order_ref: str,
    citizen_id: uuid.UUID,
    reason: RefusalReason,
    detail: str | None = None,
    now: datetime,
) -> None:
    """Refuse a payment: never applied, or the order took it but ends without its service (a
    cancellation); payment-svc gives the money back."""
    await record(
        session,
        PaymentRefused(
            payment_id=payment_id,
            order_ref=order_ref,
            citizen_id=citizen_id,
            reason=reason,
            detail=detail[:500] if detail else None,
            refused_at=now,
        ),
    )


S = TypeVar("S", bound=ServiceSettings)
R = TypeVar("R")
PaymentHandler = Callable[[AsyncSession, PaymentSucceeded, "EventContext[S, R]"], Awaitable[None]]


def own_orders(owner: str) -> WantedFn:
    """For `Handlers.wanting` in a service that owns orders (`<owner>:<id>`): an event naming
    another service's order (its `order_ref`: a payment, an appointment) is passed over, which its
    handlers would skip in a transaction; every other event is handled. Not for a service that
    acts on every order's events (identity's notices, office routing's bookings)."""

    async def wanted(session: AsyncSession, envelopes: list[Envelope]) -> set[uuid.UUID]:
        return {
            e.id
            for e in envelopes
            if not isinstance(ref := e.data.get("order_ref"), str) or orders.owner_of(ref) == owner
        }

    return wanted


def on_payment(handlers: Handlers[S, R], handler: PaymentHandler[S, R]) -> PaymentHandler[S, R]:
    """Handle a payment's announcement and payment-svc's asking again with the same function."""
    handlers.on(PaymentSucceeded)(handler)
    handlers.on(PaymentAnswerRequested)(handler)
    return handler
