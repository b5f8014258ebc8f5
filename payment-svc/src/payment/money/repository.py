from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from payment.intents.models import Answer, Capture, PaymentIntent, Status
from payment.refunds.models import Refund

KEPT, AWAITING, RETURNED, HELD = "kept", "awaiting_answer", "returned", "held_without_service"
HELD_LISTED = 100


def _per_payment(service_cutoff: datetime) -> Any:
    """Every payment that captured money: what it captured, what went back, and where it stands."""
    captured = (
        select(Capture.payment_id, func.sum(Capture.amount_piastres).label("captured"))
        .group_by(Capture.payment_id)
        .subquery()
    )
    refunded = (
        select(Refund.payment_id, func.sum(Refund.amount_piastres).label("refunded"))
        .group_by(Refund.payment_id)
        .subquery()
    )
    back = func.coalesce(refunded.c.refunded, 0)
    succeeded = PaymentIntent.status == Status.SUCCEEDED
    standing = case(
        (captured.c.captured == back, literal(RETURNED)),
        (and_(succeeded, PaymentIntent.owner_answer == Answer.APPLIED), literal(KEPT)),
        (
            and_(succeeded, PaymentIntent.owner_answer.is_(None), PaymentIntent.paid_at > service_cutoff),
            literal(AWAITING),
        ),
        else_=literal(HELD),
    )
    return (
        select(
            PaymentIntent.id.label("payment_id"),
            (PaymentIntent.owner_service + ":" + PaymentIntent.order_id).label("order_ref"),
            PaymentIntent.status,
            PaymentIntent.owner_answer,
            PaymentIntent.owner_reason,
            PaymentIntent.paid_at,
            captured.c.captured,
            back.label("refunded"),
            standing.label("standing"),
        )
        .join(captured, captured.c.payment_id == PaymentIntent.id)
        .outerjoin(refunded, refunded.c.payment_id == PaymentIntent.id)
        .subquery()
    )


class MoneyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_standing(self, service_cutoff: datetime) -> dict[str, tuple[int, int, int]]:
        """standing → (payments, captured, refunded)."""
        rows = _per_payment(service_cutoff)
        result = await self.session.execute(
            select(rows.c.standing, func.count(), func.sum(rows.c.captured), func.sum(rows.c.refunded)).group_by(
                rows.c.standing
            )
        )
        return {standing: (int(n), int(c or 0), int(r or 0)) for standing, n, c, r in result.all()}

    async def held(self, service_cutoff: datetime) -> Sequence[Any]:
        rows = _per_payment(service_cutoff)
        result = await self.session.execute(
            select(rows).where(rows.c.standing == HELD).order_by(rows.c.paid_at.nulls_first()).limit(HELD_LISTED)
        )
        return result.all()

    async def intents_kept(self) -> int:
        """What the intents themselves say is kept (amount − refunded of applied payments)."""
        total = await self.session.scalar(
            select(func.sum(PaymentIntent.amount_piastres - PaymentIntent.refunded_piastres)).where(
                PaymentIntent.status == Status.SUCCEEDED, PaymentIntent.owner_answer == Answer.APPLIED
            )
        )
        return int(total or 0)

    async def unanswered(self, service_cutoff: datetime) -> tuple[int, int]:
        """(within the service time, past it): money of succeeded payments the sweep watches."""
        remaining = PaymentIntent.amount_piastres - PaymentIntent.refunded_piastres
        within = and_(PaymentIntent.owner_answer.is_(None), PaymentIntent.paid_at > service_cutoff)
        row = (
            await self.session.execute(
                select(
                    func.sum(case((within, remaining), else_=0)), func.sum(case((within, 0), else_=remaining))
                ).where(PaymentIntent.answer_check_at.is_not(None), PaymentIntent.status == Status.SUCCEEDED)
            )
        ).one()
        return int(row[0] or 0), int(row[1] or 0)
