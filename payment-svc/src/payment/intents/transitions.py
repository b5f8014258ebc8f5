"""The state machine of a payment intent, and its audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from payment.intents.models import PaymentIntent, PaymentTransition, Status
from payment.intents.repository import IntentRepository

ALLOWED: dict[str, frozenset[str]] = {
    Status.REQUIRES_PAYMENT: frozenset({Status.PROCESSING, Status.EXPIRED, Status.CANCELLED}),
    Status.PROCESSING: frozenset({Status.SUCCEEDED, Status.FAILED, Status.EXPIRED, Status.CANCELLED}),
    Status.SUCCEEDED: frozenset({Status.REFUNDED}),
    # A success that arrives after the intent ended is captured and refunded at once.
    Status.FAILED: frozenset({Status.REFUNDED}),
    Status.EXPIRED: frozenset({Status.REFUNDED}),
    Status.CANCELLED: frozenset({Status.REFUNDED}),
    Status.REFUNDED: frozenset(),
}

FAILED_STATES = frozenset({Status.FAILED, Status.EXPIRED, Status.CANCELLED})


class IllegalTransition(RuntimeError):
    pass


async def move(
    session: AsyncSession, intent: PaymentIntent, to: Status, *, now: datetime, actor: str, reason: str | None = None
) -> None:
    if to not in ALLOWED[intent.status]:
        raise IllegalTransition(f"{intent.id}: {intent.status} → {to}")
    await note(session, intent, to, now=now, actor=actor, reason=reason)
    intent.status = to
    intent.updated_at = now
    if to in FAILED_STATES:
        intent.failure_reason = reason or str(to)


async def note(
    session: AsyncSession, intent: PaymentIntent, to: str, *, now: datetime, actor: str, reason: str | None
) -> None:
    """Append to the audit trail (also for facts that do not change the status)."""
    await IntentRepository(session).add_transition(
        PaymentTransition(
            payment_id=intent.id, from_status=intent.status, to_status=to, reason=reason, actor=actor, at=now
        )
    )
