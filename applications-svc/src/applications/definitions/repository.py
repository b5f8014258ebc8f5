"""All SQL of the definitions."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text

from applications.definitions.models import Definition, DefinitionAudit
from kit.repository import Page, Repository


class DefinitionRepository(Repository[Definition]):
    model = Definition
    order = (Definition.service_code, Definition.version)

    async def lock_service(self, service_code: str) -> None:
        """Serialise writes to one service's versions (numbering, the one published version)."""
        key = f"applications.definitions:{service_code}"
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})

    async def next_version(self, service_code: str) -> int:
        query = select(func.coalesce(func.max(Definition.version), 0)).where(Definition.service_code == service_code)
        return int((await self.session.execute(query)).scalar_one()) + 1

    async def published(self, service_code: str, *, for_update: bool = False) -> Definition | None:
        query = select(Definition).where(Definition.service_code == service_code, Definition.status == "published")
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).first()

    async def page(
        self, *, service_code: str | None, status: str | None, limit: int, cursor: str | None
    ) -> Page[Definition]:
        query = select(Definition)
        if service_code:
            query = query.where(Definition.service_code == service_code)
        if status:
            query = query.where(Definition.status == status)
        return await self.paginate(query, limit=limit, cursor=cursor)


class AuditRepository(Repository[DefinitionAudit]):
    model = DefinitionAudit
    order = (DefinitionAudit.seq,)

    async def page_of(self, definition_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[DefinitionAudit]:
        query = select(DefinitionAudit).where(DefinitionAudit.definition_id == definition_id)
        return await self.paginate(query, limit=limit, cursor=cursor)
