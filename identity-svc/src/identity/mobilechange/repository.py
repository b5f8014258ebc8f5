from __future__ import annotations

import uuid

from sqlalchemy import select, update

from identity.mobilechange.models import MobileChange
from kit.repository import Page, Repository


class MobileChangeRepository(Repository[MobileChange]):
    model = MobileChange
    order = (MobileChange.created_at, MobileChange.id)

    async def supersede_pending(self, citizen_id: uuid.UUID) -> None:
        """A new request replaces the citizen's open ones (their codes can no longer apply)."""
        await self.session.execute(
            update(MobileChange)
            .where(MobileChange.citizen_id == citizen_id, MobileChange.status == "pending")
            .values(status="superseded")
        )

    async def for_citizen(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[MobileChange]:
        return await self.paginate(
            select(MobileChange).where(MobileChange.citizen_id == citizen_id), limit=limit, cursor=cursor
        )
