"""All SQL of applications."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, text

from applications.applications.models import Application, Step
from kit.repository import Page, Repository


class ApplicationRepository(Repository[Application]):
    model = Application
    order = (Application.created_at, Application.id)

    async def lock_citizen(self, citizen_id: uuid.UUID) -> None:
        key = f"applications.applications:{citizen_id}"
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})

    async def open_count(self, citizen_id: uuid.UUID) -> int:
        query = select(func.count()).where(
            Application.citizen_id == citizen_id, Application.status.in_(("draft", "awaiting_payment"))
        )
        return int(await self.session.scalar(query) or 0)

    async def page_for(self, citizen_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[Application]:
        query = select(Application).where(Application.citizen_id == citizen_id)
        return await self.paginate(query, limit=limit, cursor=cursor, newest_first=True)

    async def overdue(self, now: datetime, *, limit: int = 200) -> list[Application]:
        query = (
            select(Application)
            .where(Application.status == "in_review", Application.escalated_at.is_(None), Application.due_at < now)
            .order_by(Application.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.scalars(query)).all())


class QueueRepository(Repository[Application]):
    """The officers' queue: oldest due first."""

    model = Application
    order = (Application.due_at, Application.id)

    async def page_in(
        self,
        governorate: str | None,
        *,
        service_code: str | None,
        escalated: bool | None,
        limit: int,
        cursor: str | None,
    ) -> Page[Application]:
        query = select(Application).where(Application.status == "in_review")
        if governorate is not None:
            query = query.where(Application.governorate == governorate)
        if service_code is not None:
            query = query.where(Application.service_code == service_code)
        if escalated is not None:
            query = query.where(
                Application.escalated_at.is_not(None) if escalated else Application.escalated_at.is_(None)
            )
        return await self.paginate(query, limit=limit, cursor=cursor)


class StepRepository(Repository[Step]):
    model = Step
    order = (Step.at, Step.id)

    async def of(self, application_id: uuid.UUID) -> list[Step]:
        query = select(Step).where(Step.application_id == application_id).order_by(Step.seq).limit(500)
        return list((await self.session.scalars(query)).all())
