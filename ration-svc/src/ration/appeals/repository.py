"""All SQL of appeals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.repository import Page, Repository
from ration.appeals.models import Appeal
from ration.cards.models import Household, Member
from ration.eligibility.models import Decision


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


async def cases(session: AsyncSession, appeals: Sequence[Appeal]) -> dict[uuid.UUID, tuple[Decision, Household, int]]:
    """Each appeal's appealed decision, its household and the household's current member count,
    in three queries whatever the number of appeals (the officer's queue shows them all)."""
    decision_ids = {a.decision_id for a in appeals}
    household_ids = {a.household_id for a in appeals}
    if not appeals:
        return {}
    decisions = {d.id: d for d in await session.scalars(select(Decision).where(Decision.id.in_(decision_ids)))}
    households = {h.id: h for h in await session.scalars(select(Household).where(Household.id.in_(household_ids)))}
    counted = await session.execute(
        select(Member.household_id, func.count())
        .where(Member.household_id.in_(household_ids), Member.removed_at.is_(None))
        .group_by(Member.household_id)
    )
    members: dict[uuid.UUID, int] = {row[0]: int(row[1]) for row in counted}
    return {
        a.id: (decisions[a.decision_id], households[a.household_id], members.get(a.household_id, 0))
        for a in appeals
        if a.decision_id in decisions and a.household_id in households
    }
