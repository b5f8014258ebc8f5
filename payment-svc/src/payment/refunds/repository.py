from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from kit.repository import Repository
from payment.refunds.models import Refund


class RefundRepository(Repository[Refund]):
    model = Refund
    order = (Refund.created_at, Refund.id)

    async def by_key(self, payment_id: uuid.UUID, key: str) -> Refund | None:
        return await self.session.scalar(
            select(Refund).where(Refund.payment_id == payment_id, Refund.idempotency_key == key)
        )

    async def for_payment(self, payment_id: uuid.UUID) -> Sequence[Refund]:
        return (
            await self.session.scalars(
                select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.created_at)
            )
        ).all()
