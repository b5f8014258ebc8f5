from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from catalog.rollout.models import Rollout
from kit.repository import Repository


class RolloutRepository(Repository[Rollout]):
    model = Rollout
    order = (Rollout.service_code, Rollout.governorate)

    async def one(self, service_code: str, governorate: str) -> Rollout | None:
        return await self.get((service_code, governorate))

    async def all_of(self, service_code: str) -> list[Rollout]:
        query = select(Rollout).where(Rollout.service_code == service_code)
        return list((await self.session.scalars(query)).all())

    async def earliest_live_from(self, service_code: str) -> datetime | None:
        query = select(func.min(Rollout.live_from)).where(
            Rollout.service_code == service_code, Rollout.suspended.is_(False)
        )
        return (await self.session.execute(query)).scalar_one()

    async def lock_or_create(self, service_code: str, governorate: str, *, actor: str) -> tuple[Rollout, bool]:
        """The row, locked; created (planned, no date) if missing. True if it was created."""
        created = await self.session.execute(
            insert(Rollout)
            .values(service_code=service_code, governorate=governorate, pilot=False, suspended=False, updated_by=actor)
            .on_conflict_do_nothing()
            .returning(Rollout.governorate)
        )
        was_new = created.first() is not None
        row = await self.get((service_code, governorate), for_update=True)
        assert row is not None
        return row, was_new
