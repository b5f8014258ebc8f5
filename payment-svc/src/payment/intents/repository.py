from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.repository import Page, Repository
from payment.intents.models import OPEN, RECEIPT_SEQUENCE, Capture, PaymentIntent, PaymentTransition


class IntentRepository(Repository[PaymentIntent]):
    model = PaymentIntent
    order = (PaymentIntent.created_at, PaymentIntent.id)

    async def insert_new(self, values: dict[str, Any]) -> bool:
        """Insert unless the idempotency key or the order already has an intent (waits for a
        concurrent insert of the same key or order to commit or roll back)."""
        inserted = await self.session.scalar(
            insert(PaymentIntent).values(**values).on_conflict_do_nothing().returning(PaymentIntent.id)
        )
        return inserted is not None

    async def by_key(self, citizen_id: uuid.UUID, key: str) -> PaymentIntent | None:
        return await self.session.scalar(
            select(PaymentIntent).where(PaymentIntent.citizen_id == citizen_id, PaymentIntent.idempotency_key == key)
        )

    async def live_for_order(self, owner_service: str, order_id: str) -> PaymentIntent | None:
        return await self.session.scalar(
            select(PaymentIntent).where(
                PaymentIntent.owner_service == owner_service,
                PaymentIntent.order_id == order_id,
                PaymentIntent.failure_reason.is_(None),
            )
        )

    async def lock_by_reference(self, provider: str, reference: str) -> PaymentIntent | None:
        """The intent a provider's notification names, locked (by the provider's reference, not its id)."""
        return await self.session.scalar(
            select(PaymentIntent)
            .where(PaymentIntent.provider == provider, PaymentIntent.provider_reference == reference)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def lock_due(self, now: datetime, limit: int) -> Sequence[PaymentIntent]:
        """Open intents whose time is up, locked; those another replica's sweep holds are skipped."""
        return (
            await self.session.scalars(
                select(PaymentIntent)
                .where(PaymentIntent.status.in_(OPEN), PaymentIntent.expires_at <= now)
                .order_by(PaymentIntent.expires_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def lock_answer_due(self, now: datetime, limit: int) -> Sequence[PaymentIntent]:
        """Succeeded payments whose owner's answer the sweep is to look at now."""
        return (
            await self.session.scalars(
                select(PaymentIntent)
                .where(PaymentIntent.answer_check_at.is_not(None), PaymentIntent.answer_check_at <= now)
                .order_by(PaymentIntent.answer_check_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def page_for_citizen(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[PaymentIntent]:
        return await self.paginate(
            select(PaymentIntent).where(PaymentIntent.citizen_id == citizen_id), limit=limit, cursor=cursor
        )

    async def by_receipt(self, receipt_number: str) -> PaymentIntent | None:
        return await self.session.scalar(select(PaymentIntent).where(PaymentIntent.receipt_number == receipt_number))

    async def next_receipt_serial(self) -> int:
        return int(await self.session.scalar(select(RECEIPT_SEQUENCE.next_value())) or 0)

    async def add_transition(self, transition: PaymentTransition) -> None:
        self.session.add(transition)

    async def transitions(self, payment_id: uuid.UUID) -> Sequence[PaymentTransition]:
        return (
            await self.session.scalars(
                select(PaymentTransition)
                .where(PaymentTransition.payment_id == payment_id)
                .order_by(PaymentTransition.id)
            )
        ).all()


class CaptureRepository(Repository[Capture]):
    model = Capture
    order = (Capture.captured_at, Capture.id)

    async def by_transaction(self, provider: str, transaction_id: str) -> Capture | None:
        return await self.session.scalar(
            select(Capture).where(Capture.provider == provider, Capture.transaction_id == transaction_id)
        )

    async def primary(self, payment_id: uuid.UUID) -> Capture | None:
        return await self.session.scalar(
            select(Capture).where(Capture.payment_id == payment_id, Capture.late.is_(False))
        )


def repositories(session: AsyncSession) -> tuple[IntentRepository, CaptureRepository]:
    return IntentRepository(session), CaptureRepository(session)
