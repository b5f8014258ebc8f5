from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from payment.ledger.models import LedgerEntry, LedgerLine


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_entry(self, entry: LedgerEntry, lines: list[LedgerLine]) -> bool:
        """Insert the entry and its lines; False if this (kind, reference) was posted already."""
        values = {c.key: getattr(entry, c.key) for c in LedgerEntry.__table__.columns}
        inserted = await self.session.scalar(
            insert(LedgerEntry).values(**values).on_conflict_do_nothing().returning(LedgerEntry.id)
        )
        if inserted is None:
            return False
        await self.session.execute(
            insert(LedgerLine),
            [
                {"entry_id": entry.id, "account": line.account, "amount_piastres": line.amount_piastres}
                for line in lines
            ],
        )
        return True

    async def balances(self) -> list[tuple[str, int]]:
        rows = await self.session.execute(
            select(LedgerLine.account, func.sum(LedgerLine.amount_piastres))
            .group_by(LedgerLine.account)
            .order_by(LedgerLine.account)
        )
        return [(account, int(total)) for account, total in rows.all()]

    async def unbalanced_entries(self) -> int:
        sums = (
            select(LedgerLine.entry_id)
            .group_by(LedgerLine.entry_id)
            .having(func.sum(LedgerLine.amount_piastres) != 0)
            .subquery()
        )
        return int(await self.session.scalar(select(func.count()).select_from(sums)) or 0)
