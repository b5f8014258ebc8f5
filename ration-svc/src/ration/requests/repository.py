"""All SQL of member requests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from kit.repository import Page, Repository
from ration.requests.models import OPEN, MemberRequest


class MemberRequestRepository(Repository[MemberRequest]):
    model = MemberRequest
    order = (MemberRequest.created_at, MemberRequest.id)

    async def lock(self, request_id: uuid.UUID) -> MemberRequest | None:
        return await self.session.scalar(
            select(MemberRequest)
            .where(MemberRequest.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def open_about(self, national_id: str) -> MemberRequest | None:
        return await self.session.scalar(
            select(MemberRequest).where(MemberRequest.national_id == national_id, MemberRequest.status.in_(OPEN))
        )

    async def lock_open_about(self, national_ids: Sequence[str]) -> list[MemberRequest]:
        query = (
            select(MemberRequest)
            .where(MemberRequest.national_id.in_(list(national_ids)), MemberRequest.status.in_(OPEN))
            .order_by(MemberRequest.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(await self.session.scalars(query))

    async def open_count(self, household_id: uuid.UUID) -> int:
        query = select(func.count()).where(MemberRequest.household_id == household_id, MemberRequest.status.in_(OPEN))
        return int(await self.session.scalar(query) or 0)

    async def of_household(
        self, household_id: uuid.UUID, *, status: str | None, limit: int, cursor: str | None
    ) -> Page[MemberRequest]:
        """The card's requests (in one status), newest first."""
        query = select(MemberRequest).where(MemberRequest.household_id == household_id)
        if status is not None:
            query = query.where(MemberRequest.status == status)
        return await self.paginate(query, limit=limit, cursor=cursor, newest_first=True)

    async def queue(
        self, *, governorate: str | None, status: str, limit: int, cursor: str | None
    ) -> Page[MemberRequest]:
        """Oldest first: an officer works the queue in the order citizens asked."""
        query = select(MemberRequest).where(MemberRequest.status == status)
        if governorate is not None:
            query = query.where(MemberRequest.governorate == governorate)
        return await self.paginate(query, limit=limit, cursor=cursor)
