from __future__ import annotations

import uuid

from sqlalchemy import func, select

from kit.db import serialize
from kit.repository import Page, Repository
from notary.certificates.models import CertificateRequest, CertStatus


class CertificateRepository(Repository[CertificateRequest]):
    model = CertificateRequest
    order = (CertificateRequest.created_at, CertificateRequest.id)

    async def lock(self, request_id: uuid.UUID) -> CertificateRequest | None:
        return await self.session.scalar(
            select(CertificateRequest)
            .where(CertificateRequest.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def open_count(self, citizen_id: uuid.UUID, *, hold: bool = False) -> int:
        """The citizen's requests awaiting payment; `hold`: first take the citizen's limit lock
        until the transaction ends, so concurrent requests count one after another."""
        if hold:
            await serialize(self.session, "notary.certificates.open", citizen_id)
        query = select(func.count()).where(
            CertificateRequest.citizen_id == citizen_id, CertificateRequest.status == CertStatus.AWAITING_PAYMENT
        )
        return int(await self.session.scalar(query) or 0)

    async def page_for(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[CertificateRequest]:
        query = select(CertificateRequest).where(CertificateRequest.citizen_id == citizen_id)
        return await self.paginate(query, limit=limit, cursor=cursor)
