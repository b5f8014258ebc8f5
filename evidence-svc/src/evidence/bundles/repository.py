"""All SQL of the `bundles` domain."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text

from evidence.bundles.models import Bundle
from kit.repository import Page, Repository


class BundleRepository(Repository[Bundle]):
    model = Bundle
    order = (Bundle.created_at, Bundle.id)

    async def lock_citizen(self, citizen_id: uuid.UUID) -> None:
        """Serialise one citizen's writes, so a limit checked before an insert holds."""
        key = f"evidence.bundles:{citizen_id}"
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})

    async def open_count(self, citizen_id: uuid.UUID) -> int:
        query = select(func.count()).where(Bundle.citizen_id == citizen_id, Bundle.status == "open")
        return int(await self.session.scalar(query) or 0)

    async def page_for(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[Bundle]:
        query = select(Bundle).where(Bundle.citizen_id == citizen_id)
        return await self.paginate(query, limit=limit, cursor=cursor, newest_first=True)
