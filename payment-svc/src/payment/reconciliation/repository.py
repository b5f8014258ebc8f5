from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payment.intents.models import Capture
from payment.reconciliation.models import SettlementFile, SettlementLine

DISCREPANCY_LIMIT = 1000


class SettlementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_hash(self, provider: str, sha256: str) -> SettlementFile | None:
        return await self.session.scalar(
            select(SettlementFile).where(SettlementFile.provider == provider, SettlementFile.sha256 == sha256)
        )

    async def get(self, file_id: uuid.UUID) -> SettlementFile | None:
        return await self.session.get(SettlementFile, file_id)

    async def insert_file(self, values: dict[str, Any]) -> bool:
        """False if the same file (provider, content hash) was imported already or concurrently."""
        inserted = await self.session.scalar(
            pg_insert(SettlementFile).values(**values).on_conflict_do_nothing().returning(SettlementFile.id)
        )
        return inserted is not None

    async def lock_captures(self, provider: str, transaction_ids: Sequence[str]) -> dict[str, Capture]:
        rows = await self.session.scalars(
            select(Capture)
            .where(Capture.provider == provider, Capture.transaction_id.in_(list(transaction_ids)))
            .order_by(Capture.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {c.transaction_id: c for c in rows}

    async def unsettled_through(self, provider: str, through: datetime) -> Sequence[Capture]:
        return (
            await self.session.scalars(
                select(Capture)
                .where(
                    Capture.provider == provider,
                    Capture.settlement_file_id.is_(None),
                    Capture.captured_at <= through,
                )
                .order_by(Capture.captured_at)
            )
        ).all()

    async def add_lines(self, lines: list[dict[str, Any]]) -> None:
        if lines:
            await self.session.execute(insert(SettlementLine), lines)

    async def discrepancies(self, file_id: uuid.UUID) -> Sequence[SettlementLine]:
        return (
            await self.session.scalars(
                select(SettlementLine)
                .where(SettlementLine.file_id == file_id, SettlementLine.outcome != "matched")
                .order_by(SettlementLine.id)
                .limit(DISCREPANCY_LIMIT)
            )
        ).all()
