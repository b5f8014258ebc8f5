"""Offices: the public directory, administration, and holidays."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.errors import Conflict, NotFound
from kit.repository import Page
from office_routing.offices import repository
from office_routing.offices.models import Holiday, Office
from office_routing.offices.repository import OfficeRepository
from office_routing.offices.schemas import HolidayIn, OfficeIn

OFFICE_NAMESPACE = uuid.UUID("5b0c8f5e-8d4a-4f52-9a57-0f1c6b7f2d10")


def office_id_for(code: str) -> uuid.UUID:
    """Offices get a stable id from their code, so reference data loads the same everywhere."""
    return uuid.uuid5(OFFICE_NAMESPACE, code)


async def page(
    session: AsyncSession,
    *,
    governorate: str | None,
    kind: str | None,
    service_code: str | None,
    limit: int,
    cursor: str | None,
) -> Page[Office]:
    repo = OfficeRepository(session)
    query = repo.listing(governorate=governorate, kind=kind, service_code=service_code)
    return await repo.paginate(query, limit=limit, cursor=cursor)


async def get(session: AsyncSession, *, office_id: uuid.UUID) -> Office:
    office = await OfficeRepository(session).get(office_id)
    if office is None:
        raise NotFound("office_not_found")
    return office


async def holidays(session: AsyncSession, *, office_id: uuid.UUID, since: date) -> list[Holiday]:
    return list(await repository.upcoming_holidays(session, office_id=office_id, since=since))


async def create(session: AsyncSession, *, body: OfficeIn) -> Office:
    repo = OfficeRepository(session)
    if await repo.by_code(body.code) is not None:
        raise Conflict("office_exists", params={"code": body.code})
    return await repo.add(Office(id=office_id_for(body.code), active=True, **body.model_dump()))


async def add_holiday(session: AsyncSession, *, office_id: uuid.UUID | None, body: HolidayIn) -> Holiday:
    """Close an office (or, with no office, every office) on a day. Appointments already booked
    that day are the caller's to cancel (see `appointments.service.close_day`)."""
    if office_id is not None:
        await get(session, office_id=office_id)
    holiday = Holiday(id=uuid.uuid4(), office_id=office_id, **body.model_dump())
    if not await repository.add_holiday(session, holiday):
        raise Conflict("holiday_exists", params={"day": i18n.Day(body.day)})
    return holiday
