"""All SQL of appeals."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from kit.repository import Page, Repository
from ration.appeals.models import Appeal


class AppealRepository(Repository[Appeal]):
    model = Appeal
    order = (Appeal.filed_at, Appeal.id)

    async def open_for(self, decision_id: uuid.UUID) -> Appeal | None:
        return await self.session.scalar(
            select(Appeal).where(Appeal.decision_id == decision_id, Appeal.status == "open")
        )

    async def queue(self, *, governorate: str | None, status: str, limit: int, cursor: str | None) -> Page[Appeal]:
        """Oldest first: the officer works the queue in the order citizens filed."""
        query = select(Appeal).where(Appeal.status == status)
        if governorate is not None:
            query = query.where(Appeal.governorate == governorate)
        return await self.paginate(query, limit=limit, cursor=cursor)

    async def of_household(self, household_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[Appeal]:
        return await self.paginate(
            select(Appeal).where(Appeal.household_id == household_id), limit=limit, cursor=cursor
        )
