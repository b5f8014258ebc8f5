"""Returning money: through the provider, as a balanced ledger entry, with an event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.payment import PaymentRefunded
from kit import i18n
from kit.auth import Caller
from kit.errors import NotFound, ProblemError
from kit.messaging import record
from payment.intents.models import Capture, PaymentIntent, Status
from payment.intents.repository import CaptureRepository, IntentRepository
from payment.intents.service import state_conflict, visible
from payment.intents.transitions import move, note
from payment.ledger import service as ledger
from payment.providers.base import Provider, Providers
from payment.refunds.models import Refund
from payment.refunds.repository import RefundRepository
from payment.refunds.schemas import CreateRefund


async def return_money(
    session: AsyncSession,
    *,
    intent: PaymentIntent,
    capture: Capture,
    provider: Provider,
    amount_piastres: int,
    reason: str,
    automatic: bool,
    requested_by: str,
    now: datetime,
    provider_key: str,
    idempotency_key: str | None = None,
) -> Refund:
    """Refund part or all of one capture (the intent row is locked by the caller).

    `provider_key` names this refund at the provider (`refund_key`): the provider is asked before
    this transaction commits, so a transaction that rolls back after the provider paid (the
    database lost, the process killed) asks again with the same key when it is retried, and the
    provider answers the refund it made instead of paying a second time."""
    provider_refund_id = await provider.refund(
        transaction_id=capture.transaction_id,
        amount_piastres=amount_piastres,
        reason=reason,
        idempotency_key=provider_key,
    )
    refund = Refund(
        id=uuid.uuid4(),
        payment_id=intent.id,
        capture_id=capture.id,
        amount_piastres=amount_piastres,
        reason=reason,
        automatic=automatic,
        provider_refund_id=provider_refund_id,
        requested_by=requested_by,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    await RefundRepository(session).add(refund)
    # Money kept for a service comes back out of the service's account; unallocated money
    # (a late or extra capture) out of suspense.
    source = ledger.SUSPENSE if capture.late else ledger.service_account(intent.service_code)
    await ledger.post(
        session,
        kind="refund",
        reference=str(refund.id),
        provider=capture.provider,
        debit=source,
        credit=ledger.provider_account(capture.provider),
        amount_piastres=amount_piastres,
        now=now,
        memo=f"refund of {capture.transaction_id}: {reason}",
        payment_id=intent.id,
        service_code=intent.service_code,
    )
    return refund


def refund_key(intent: PaymentIntent, what: str) -> str:
    """A refund's idempotency key at the provider: the payment, and what in it is refunded, told
    by facts that stay the same when the refund is retried (`remaining-after-<refunded so far>`,
    `late-<transaction>`, `request-<the caller's Idempotency-Key>`)."""
    return f"{intent.id}:{what}"


async def announce(session: AsyncSession, intent: PaymentIntent, refund: Refund) -> None:
    await record(
        session,
        PaymentRefunded(
            payment_id=intent.id,
            refund_id=refund.id,
            citizen_id=intent.citizen_id,
            order_ref=intent.order_ref,
            amount_piastres=refund.amount_piastres,
            reason=refund.reason,
            refunded_at=refund.created_at,
        ),
    )


async def refund_remaining(
    session: AsyncSession, *, intent: PaymentIntent, providers: Providers, reason: str, actor: str, now: datetime
) -> Refund | None:
    """Return all that is left of a succeeded payment (locked by the caller) and announce it;
    None when nothing is left or it is not a succeeded payment."""
    capture = await CaptureRepository(session).primary(intent.id)
    remaining = intent.amount_piastres - intent.refunded_piastres
    if intent.status != Status.SUCCEEDED or capture is None or remaining <= 0:
        return None
    made = await return_money(
        session,
        intent=intent,
        capture=capture,
        provider=providers.for_method(intent.method),
        amount_piastres=remaining,
        reason=reason,
        automatic=True,
        requested_by=actor,
        now=now,
        provider_key=refund_key(intent, f"remaining-after-{intent.refunded_piastres}"),
    )
    intent.refunded_piastres += remaining
    intent.answer_check_at = None
    await move(session, intent, Status.REFUNDED, now=now, actor=actor, reason=reason)
    await announce(session, intent, made)
    return made


async def refund(
    session: AsyncSession,
    *,
    payment_id: uuid.UUID,
    body: CreateRefund,
    idempotency_key: str,
    caller: Caller,
    providers: Providers,
    now: datetime,
) -> tuple[Refund, bool]:
    """A requested refund of a succeeded payment, full or partial; replays by Idempotency-Key."""
    intent = await IntentRepository(session).get(payment_id, for_update=True)
    if intent is None:
        raise NotFound("payment_not_found")
    existing = await RefundRepository(session).by_key(payment_id, idempotency_key)
    if existing is not None:
        if (existing.amount_piastres, existing.reason) != (body.amount_piastres, body.reason):
            raise ProblemError("idempotency_key_reused", status=422, extra={"refund_id": str(existing.id)})
        return existing, False
    capture = await CaptureRepository(session).primary(payment_id)
    if intent.status != Status.SUCCEEDED or capture is None:
        raise state_conflict(intent)
    remaining = intent.amount_piastres - intent.refunded_piastres
    if body.amount_piastres > remaining:
        raise ProblemError(
            "refund_exceeds_payment",
            status=422,
            params={"remaining": i18n.Money(remaining)},
            extra={"remaining_piastres": remaining},
        )
    actor = f"{caller.kind}:{caller.subject}"
    made = await return_money(
        session,
        intent=intent,
        capture=capture,
        provider=providers.for_method(intent.method),
        amount_piastres=body.amount_piastres,
        reason=body.reason,
        automatic=False,
        requested_by=actor,
        now=now,
        provider_key=refund_key(intent, f"request-{idempotency_key}"),
        idempotency_key=idempotency_key,
    )
    intent.refunded_piastres += body.amount_piastres
    intent.updated_at = now
    if intent.refunded_piastres == intent.amount_piastres:
        intent.answer_check_at = None
        await move(session, intent, Status.REFUNDED, now=now, actor=actor, reason=body.reason)
    else:
        await note(
            session, intent, intent.status, now=now, actor=actor, reason=f"partial refund {body.amount_piastres}"
        )
    await announce(session, intent, made)
    return made, True


async def of_payment(session: AsyncSession, *, payment_id: uuid.UUID, caller: Caller) -> Sequence[Refund]:
    """The refunds of a payment the caller may see (404 otherwise), oldest first."""
    await visible(session, payment_id=payment_id, caller=caller)
    return await RefundRepository(session).for_payment(payment_id)
