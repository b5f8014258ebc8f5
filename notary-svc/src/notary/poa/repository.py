from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from kit.db import serialize
from kit.repository import Page, Repository
from notary.poa.models import OPEN, PoaTransition, PowerOfAttorney


class PoaRepository(Repository[PowerOfAttorney]):
    model = PowerOfAttorney
    order = (PowerOfAttorney.created_at, PowerOfAttorney.id)

    async def lock(self, poa_id: uuid.UUID) -> PowerOfAttorney | None:
        return await self.session.scalar(
            select(PowerOfAttorney)
            .where(PowerOfAttorney.id == poa_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def open_count(self, citizen_id: uuid.UUID, *, hold: bool = False) -> int:
        """The citizen's open requests; `hold`: first take the citizen's limit lock until the
        transaction ends, so concurrent drafts count one after another (not all 19, all insert)."""
        if hold:
            await serialize(self.session, "notary.poa.open", citizen_id)
        query = select(func.count()).where(PowerOfAttorney.citizen_id == citizen_id, PowerOfAttorney.status.in_(OPEN))
        return int(await self.session.scalar(query) or 0)

    async def page_for(
        self, citizen_id: uuid.UUID, *, status: str | None, limit: int, cursor: str | None
    ) -> Page[PowerOfAttorney]:
        query = select(PowerOfAttorney).where(PowerOfAttorney.citizen_id == citizen_id)
        if status:
            query = query.where(PowerOfAttorney.status == status)
        return await self.paginate(query, limit=limit, cursor=cursor)

    async def add_transition(self, transition: PoaTransition) -> None:
        self.session.add(transition)

    async def transitions(self, poa_id: uuid.UUID) -> Sequence[PoaTransition]:
        query = select(PoaTransition).where(PoaTransition.poa_id == poa_id).order_by(PoaTransition.id)
        return (await self.session.scalars(query)).all()
