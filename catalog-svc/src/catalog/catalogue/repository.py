from __future__ import annotations

from sqlalchemy import select

from catalog.catalogue.models import Service
from kit.repository import Page, Repository


class ServiceRepository(Repository[Service]):
    model = Service
    order = (Service.code,)

    async def page(self, *, family: str | None, limit: int, cursor: str | None) -> Page[Service]:
        query = select(Service)
        if family is not None:
            query = query.where(Service.family == family)
        return await self.paginate(query, limit=limit, cursor=cursor)
