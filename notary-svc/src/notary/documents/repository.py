from __future__ import annotations

import uuid

from sqlalchemy import select

from kit.repository import Page, Repository
from notary.documents.models import NUMBER_SEQUENCE, Document


class DocumentRepository(Repository[Document]):
    model = Document
    order = (Document.issued_at, Document.number)

    async def next_serial(self) -> int:
        return (await self.session.execute(select(NUMBER_SEQUENCE.next_value()))).scalar_one()

    async def by_source(self, source_id: uuid.UUID) -> Document | None:
        return await self.session.scalar(select(Document).where(Document.source_id == source_id))

    async def page_for(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[Document]:
        return await self.paginate(
            select(Document).where(Document.citizen_id == citizen_id), limit=limit, cursor=cursor
        )
