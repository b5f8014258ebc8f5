"""The officers' queue by governorate: what waits, oldest due first; decisions; escalation of
what passed its service-level time."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from applications.applications.history import step
from applications.applications.models import Application
from applications.applications.repository import ApplicationRepository, QueueRepository
from contracts.events.applications import ApplicationEscalated
from kit.auth import Caller, Role
from kit.errors import NotFound, ProblemError
from kit.messaging import record
from kit.repository import Page


def _governorate(officer: Caller, asked: str | None) -> str | None:
    """An officer sees their own governorate; an administrator any (or all)."""
    if Role.ADMIN in officer.roles:
        return asked
    if officer.governorate is None:
        raise ProblemError("forbidden", status=403)
    return officer.governorate


async def queue(
    session: AsyncSession,
    *,
    officer: Caller,
    governorate: str | None,
    service_code: str | None,
    escalated: bool | None,
    limit: int,
    cursor: str | None,
) -> Page[Application]:
    where = _governorate(officer, governorate)
    return await QueueRepository(session).page_in(
        where, service_code=service_code, escalated=escalated, limit=limit, cursor=cursor
    )


async def one(session: AsyncSession, *, officer: Caller, application_id: uuid.UUID, lock: bool = False) -> Application:
    """An application of the officer's governorate (another's answers as if absent)."""
    app = await ApplicationRepository(session).get(application_id, for_update=lock)
    where = _governorate(officer, None)
    if app is None or app.status == "draft" or (where is not None and app.governorate != where):
        raise NotFound("application_not_found")
    return app


async def escalate(session: AsyncSession, *, now: datetime) -> int:
    """Applications past their service-level time, undecided: escalated once each (the queue
    shows them first to the governorate's supervisors; an event tells whoever watches)."""
    overdue = await ApplicationRepository(session).overdue(now)
    for app in overdue:
        assert app.due_at is not None
        app.escalated_at, app.updated_at = now, now
        await step(session, app, "escalated", actor="system", now=now, due_at=app.due_at.isoformat())
        await record(
            session,
            ApplicationEscalated(
                application_id=app.id,
                service_code=app.service_code,
                governorate=app.governorate,
                due_at=app.due_at,
                escalated_at=now,
            ),
        )
    return len(overdue)
