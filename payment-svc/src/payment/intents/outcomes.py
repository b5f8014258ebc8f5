"""Applying what a provider reports: a capture (success) or a failure, exactly once each.

A success on an open intent pays it (receipt, ledger, event; the owning service answers it, see
`payment.answers`). A success that arrives after
the intent ended (expired, cancelled, declined) or a second capture of a paid intent is
kept out of the service's account and refunded at once: an order is charged at most once.
An amount or currency that differs from the intent never marks it paid.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.payment import FailureReason
from payment.answers.service import Policy, announce
from payment.intents.models import OPEN, Capture, PaymentIntent, Status
from payment.intents.repository import CaptureRepository, IntentRepository
from payment.intents.service import fail
from payment.intents.transitions import FAILED_STATES, move, note
from payment.ledger import service as ledger
from payment.providers.base import Provider
from payment.refunds import service as refunds

log = logging.getLogger("payment.outcomes")

FAILURES: dict[str, tuple[Status, FailureReason]] = {
    "declined": (Status.FAILED, "declined"),
    "error": (Status.FAILED, "provider_error"),
}


async def apply_success(
    session: AsyncSession,
    *,
    intent: PaymentIntent,
    provider: Provider,
    transaction_id: str,
    amount_piastres: int,
    currency: str,
    occurred_at: datetime,
    policy: Policy,
    now: datetime,
) -> str:
    captures = CaptureRepository(session)
    if await captures.by_transaction(intent.provider, transaction_id) is not None:
        return "already_applied"
    if currency != intent.currency or amount_piastres != intent.amount_piastres:
        log.error(
            "payment %s: %s reported %s %s for an intent of %s %s; not marked paid",
            intent.id, intent.provider, amount_piastres, currency, intent.amount_piastres, intent.currency,
        )  # fmt: skip
        await note(
            session, intent, intent.status, now=now, actor=f"provider:{intent.provider}", reason="amount_mismatch"
        )
        return "amount_mismatch"
    late = intent.status not in OPEN
    capture = Capture(
        id=uuid.uuid4(),
        payment_id=intent.id,
        provider=intent.provider,
        transaction_id=transaction_id,
        amount_piastres=amount_piastres,
        currency=currency,
        late=late,
        captured_at=occurred_at,
    )
    await captures.add(capture)
    await ledger.post(
        session,
        kind="capture",
        reference=str(capture.id),
        provider=intent.provider,
        debit=ledger.provider_account(intent.provider),
        credit=ledger.SUSPENSE if late else ledger.service_account(intent.service_code),
        amount_piastres=amount_piastres,
        now=now,
        memo=f"capture {transaction_id}" + (" (late)" if late else ""),
        payment_id=intent.id,
        service_code=intent.service_code,
    )
    actor = f"provider:{intent.provider}"
    if not late:
        serial = await IntentRepository(session).next_receipt_serial()
        intent.receipt_number = f"RC-{occurred_at:%Y}-{serial:08d}"
        intent.provider_txn = transaction_id
        intent.paid_at = occurred_at
        await move(session, intent, Status.SUCCEEDED, now=now, actor=actor, reason=transaction_id)
        await announce(session, intent, policy=policy, now=now)
        return "succeeded"
    was = intent.status
    reason = f"payment arrived after the intent was {was}" if was in FAILED_STATES else "duplicate charge"
    refund = await refunds.return_money(
        session,
        intent=intent,
        capture=capture,
        provider=provider,
        amount_piastres=amount_piastres,
        reason=reason,
        automatic=True,
        requested_by="system:late-capture",
        now=now,
        provider_key=refunds.refund_key(intent, f"late-{transaction_id}"),
    )
    if was in FAILED_STATES:
        intent.refunded_piastres = amount_piastres
        await move(session, intent, Status.REFUNDED, now=now, actor=actor, reason=reason)
        await refunds.announce(session, intent, refund)
        return "refunded_late"
    await note(session, intent, intent.status, now=now, actor=actor, reason=f"extra capture {transaction_id} refunded")
    return "refunded_extra"


async def apply_failure(session: AsyncSession, *, intent: PaymentIntent, reason: str, now: datetime) -> str:
    if intent.status not in OPEN:
        # Ended already (paid, or failed before): a late or out-of-order failure changes nothing.
        return "ignored"
    failed: tuple[Status, FailureReason] = (
        (Status.EXPIRED, "expired") if reason == "timeout" else FAILURES.get(reason, FAILURES["error"])
    )
    to, failure = failed
    await fail(session, intent, to=to, reason=failure, now=now, actor=f"provider:{intent.provider}")
    return str(to)
