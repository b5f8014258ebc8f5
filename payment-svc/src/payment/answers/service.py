"""The owning service's answer to a succeeded payment, and the sweep that makes sure there is one.

payment-svc announces a succeeded payment (`payment.intent.succeeded.v1`, with an `answer_by`);
the service that owns the order answers `payment.order.applied.v1` (the fee is kept for the
order's service) or `payment.order.refused.v1` (it is not, or no longer: refunded here at once,
whatever the order type). The sweep looks at every succeeded payment without an answer once its
service time has passed: it asks the owner again (`payment.order.answer_requested.v1`, with growing
gaps), retries a refund the provider did not make, and refunds a payment still unanswered past its
`answer_by` (plus a grace), which an owner no longer applies. A payment its owner applied is never
refunded here. Every step is on the payment's audit trail.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.payment import PaymentAnswerRequested, PaymentApplied, PaymentRefused, PaymentSucceeded
from kit.messaging import record
from payment.answers.metrics import ANSWERS, REFUNDS
from payment.intents.models import Answer, PaymentIntent, Status
from payment.intents.repository import IntentRepository
from payment.intents.transitions import note
from payment.providers.base import Providers
from payment.refunds import service as refunds
from payment.settings import Settings

log = logging.getLogger("payment.answers")

UNANSWERED = "the owning service did not answer in time"
REFUND_RETRY = timedelta(minutes=1)


@dataclass(frozen=True)
class Policy:
    service_time: timedelta
    reask_max: timedelta
    deadline: timedelta
    grace: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            service_time=timedelta(seconds=settings.answer_service_seconds),
            reask_max=timedelta(seconds=settings.answer_reask_max_seconds),
            deadline=timedelta(seconds=settings.answer_deadline_seconds),
            grace=timedelta(seconds=settings.answer_grace_seconds),
        )

    def next_asking(self, intent: PaymentIntent, now: datetime) -> datetime:
        """Service time after the announcement, then doubling gaps (at most `reask_max`)."""
        gap = min(self.service_time * 2 ** max(intent.announcements - 1, 0), self.reask_max)
        return now + gap


def _facts(intent: PaymentIntent) -> dict[str, object]:
    assert intent.provider_txn is not None
    assert intent.paid_at is not None
    return {
        "payment_id": intent.id,
        "citizen_id": intent.citizen_id,
        "service_code": intent.service_code,
        "order_ref": intent.order_ref,
        "amount_piastres": intent.amount_piastres,
        "method": intent.method,
        "provider_reference": intent.provider_txn,
        "paid_at": intent.paid_at,
        "answer_by": intent.answer_by,
    }


async def announce(session: AsyncSession, intent: PaymentIntent, *, policy: Policy, now: datetime) -> None:
    """Tell everyone the payment succeeded (the owner answers by `answer_by`)."""
    intent.answer_by = now + policy.deadline
    intent.announcements = 1
    intent.answer_check_at = policy.next_asking(intent, now)
    await record(session, PaymentSucceeded.model_validate(_facts(intent)))


async def applied(session: AsyncSession, *, event: PaymentApplied, now: datetime) -> str:
    intent = await _answered(session, event.payment_id, event.order_ref)
    if intent is None:
        return "unknown_payment"
    actor = f"owner:{intent.owner_service}"
    if intent.owner_answer == Answer.APPLIED:
        return "already_applied"
    if intent.owner_answer == Answer.REFUSED or intent.status != Status.SUCCEEDED:
        # Refused before, or refunded (past its answer_by): the money is back with the citizen.
        log.error("payment %s (%s) applied by its owner but it is %s", intent.id, intent.order_ref, intent.status)
        ANSWERS.labels(answer="applied_too_late").inc()
        await note(session, intent, intent.status, now=now, actor=actor, reason="applied after it was returned")
        return "applied_too_late"
    intent.owner_answer, intent.owner_reason, intent.answered_at = Answer.APPLIED.value, None, now
    intent.answer_check_at = None
    ANSWERS.labels(answer="applied").inc()
    await note(session, intent, intent.status, now=now, actor=actor, reason="applied to the order")
    return "applied"


async def refused(session: AsyncSession, *, event: PaymentRefused, providers: Providers, now: datetime) -> str:
    intent = await _answered(session, event.payment_id, event.order_ref)
    if intent is None:
        return "unknown_payment"
    if intent.owner_answer != Answer.REFUSED:
        intent.owner_answer, intent.owner_reason, intent.answered_at = Answer.REFUSED.value, event.reason, now
        ANSWERS.labels(answer="refused").inc()
        await note(
            session, intent, intent.status, now=now, actor=f"owner:{intent.owner_service}",
            reason=f"refused: {event.reason}" + (f" ({event.detail})" if event.detail else ""),
        )  # fmt: skip
    return await _return(session, intent, providers=providers, reason=_refusal_reason(intent), now=now)


def _refusal_reason(intent: PaymentIntent) -> str:
    return f"the order cannot take the payment: {intent.owner_reason}"


async def _answered(session: AsyncSession, payment_id: uuid.UUID, order_ref: str) -> PaymentIntent | None:
    intent = await IntentRepository(session).get(payment_id, for_update=True)
    if intent is None or intent.order_ref != order_ref:
        # Only the order's owner answers for it; anything else is a bug or a forgery.
        log.error("answer about payment %s for %s matches no payment of that order", payment_id, order_ref)
        return None
    return intent


async def _return(
    session: AsyncSession, intent: PaymentIntent, *, providers: Providers, reason: str, now: datetime
) -> str:
    """Refund what is left; if the provider fails, the sweep tries again shortly."""
    try:
        async with session.begin_nested():
            made = await refunds.refund_remaining(
                session, intent=intent, providers=providers, reason=reason, actor="system:answers", now=now
            )
    except Exception as exc:  # noqa: BLE001 - any provider failure: keep the answer, retry the refund
        log.warning("refund of payment %s failed (%s); the sweep retries", intent.id, exc)
        intent.answer_check_at = now + REFUND_RETRY
        return "refund_pending"
    if made is None:
        return "nothing_to_refund"
    REFUNDS.labels(reason=intent.owner_reason or "unanswered").inc()
    return "refunded"


@dataclass
class Swept:
    asked: int = 0
    refunded: int = 0
    pending: int = 0


async def sweep(
    session: AsyncSession, *, providers: Providers, policy: Policy, now: datetime, limit: int = 200
) -> Swept:
    """One pass over the payments whose answer is due (safe on every replica at once)."""
    done = Swept()
    for intent in await IntentRepository(session).lock_answer_due(now, limit):
        if intent.status != Status.SUCCEEDED or intent.owner_answer == Answer.APPLIED:
            intent.answer_check_at = None
            continue
        if intent.owner_answer == Answer.REFUSED:
            outcome = await _return(session, intent, providers=providers, reason=_refusal_reason(intent), now=now)
        elif intent.answer_by is not None and now >= intent.answer_by + policy.grace:
            await note(session, intent, intent.status, now=now, actor="system:answers", reason=UNANSWERED)
            outcome = await _return(session, intent, providers=providers, reason=UNANSWERED, now=now)
        else:
            await ask_again(session, intent, policy=policy, now=now)
            done.asked += 1
            continue
        done.refunded += outcome == "refunded"
        done.pending += outcome == "refund_pending"
    return done


async def ask_again(session: AsyncSession, intent: PaymentIntent, *, policy: Policy, now: datetime) -> None:
    if intent.answer_by is None:  # succeeded before answers existed
        intent.answer_by = now + policy.deadline
    intent.announcements += 1
    intent.answer_check_at = min(policy.next_asking(intent, now), intent.answer_by + policy.grace)
    await note(
        session, intent, intent.status, now=now, actor="system:answers",
        reason=f"asked {intent.owner_service} again ({intent.announcements})",
    )  # fmt: skip
    await record(session, PaymentAnswerRequested.model_validate(_facts(intent)))
