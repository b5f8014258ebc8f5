from __future__ import annotations

from sqlalchemy import select

from catalog.audit.models import AuditEntry
from kit.repository import Page, Repository


class AuditRepository(Repository[AuditEntry]):
    model = AuditEntry
    order = (AuditEntry.at, AuditEntry.id)

    async def page_of(self, service_code: str, *, limit: int, cursor: str | None) -> Page[AuditEntry]:
        query = select(AuditEntry).where(AuditEntry.service_code == service_code)
        return await self.paginate(query, limit=limit, cursor=cursor)
