"""The money invariant, computed from the captures, refunds and owners' answers, and checked
against the payments' own amounts and the ledger.

Every payment that captured money stands in one group: `returned` (all of it refunded), `kept`
(its owner applied it: the fee of an order fulfilled or in progress), `awaiting_answer` (paid
within the service time, no answer yet) or `held_without_service` (anything else: an owner that
did not answer in time, a refusal whose refund is pending, a capture nobody accounted for). The
platform holds the invariant when the last group is empty."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from payment.answers.metrics import AWAITING_ANSWER, HELD_WITHOUT_SERVICE
from payment.ledger import service as ledger
from payment.money.repository import AWAITING, HELD, KEPT, MoneyRepository
from payment.money.schemas import HeldPayment, MoneyInvariant


async def invariant(session: AsyncSession, *, service_time: timedelta, now: datetime) -> MoneyInvariant:
    repo = MoneyRepository(session)
    cutoff = now - service_time
    groups = await repo.by_standing(cutoff)
    captured = sum(c for _, c, _ in groups.values())
    refunded = sum(r for _, _, r in groups.values())

    def net(standing: str) -> int:
        _, c, r = groups.get(standing, (0, 0, 0))
        return c - r

    kept, awaiting, held = net(KEPT), net(AWAITING), net(HELD)
    balances = dict(await ledger.balances(session))
    with_providers = sum(b for a, b in balances.items() if a.startswith("provider:")) + balances.get(ledger.TREASURY, 0)
    held_rows = await repo.held(cutoff)
    return MoneyInvariant(
        as_of=now,
        captured_piastres=captured,
        refunded_piastres=refunded,
        kept_piastres=kept,
        awaiting_answer_piastres=awaiting,
        held_without_service_piastres=held,
        holds=held == 0,
        settled=held == 0 and awaiting == 0,
        payments={standing: n for standing, (n, _, _) in sorted(groups.items())},
        intents_agree=await repo.intents_kept() == kept,
        ledger_agrees=with_providers == captured - refunded and balances.get(ledger.SUSPENSE, 0) == 0,
        held=[
            HeldPayment(
                payment_id=row.payment_id,
                order_ref=row.order_ref,
                status=row.status,
                owner_answer=row.owner_answer,
                owner_reason=row.owner_reason,
                paid_at=row.paid_at,
                held_piastres=row.captured - row.refunded,
            )
            for row in held_rows
        ],
    )


async def watch(session: AsyncSession, *, service_time: timedelta, now: datetime) -> tuple[int, int]:
    """The metric's figures, cheaply (the succeeded payments still without an applied answer):
    (money awaiting an answer within the service time, money held without its service)."""
    awaiting, held = await MoneyRepository(session).unanswered(now - service_time)
    AWAITING_ANSWER.set(awaiting)
    HELD_WITHOUT_SERVICE.set(held)
    return awaiting, held
