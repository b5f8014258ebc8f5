"""The office directory (public), its administration, and the clerk's day list."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from contracts.fields import GovernorateCode, ServiceCode
from kit.app import Session
from kit.clock import local_day
from kit.errors import responses
from office_routing.appointments import desk
from office_routing.appointments import service as appointments
from office_routing.appointments.models import Status
from office_routing.appointments.routes import render
from office_routing.appointments.schemas import AppointmentPage
from office_routing.deps import Admin, Clerk, Now
from office_routing.governorates import GOVERNORATES, Governorate
from office_routing.offices import service
from office_routing.offices.models import Kind
from office_routing.offices.schemas import (
    HolidayIn,
    HolidayOut,
    HolidayResult,
    OfficeDetail,
    OfficeIn,
    OfficeOut,
    OfficePage,
)

router = APIRouter(prefix="/v1/offices", tags=["offices"])
PUBLIC_CACHE = "public, max-age=300"


@router.get("", response_model=OfficePage, responses=responses(422))
async def list_offices(
    session: Session,
    response: Response,
    governorate: GovernorateCode | None = None,
    kind: Kind | None = None,
    service_code: ServiceCode | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> OfficePage:
    """Offices by governorate, kind and service offered (public)."""
    page = await service.page(
        session, governorate=governorate, kind=kind, service_code=service_code, limit=limit, cursor=cursor
    )
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return OfficePage(items=[OfficeOut.model_validate(o) for o in page.items], next_cursor=page.next_cursor)


@router.get("/governorates", response_model=list[dict[str, str]], responses=responses(422))
async def list_governorates(response: Response) -> list[dict[str, str]]:
    """The 27 governorates and their codes (those of the national ID)."""
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return [_governorate(g) for g in GOVERNORATES]


@router.get("/{office_id}", response_model=OfficeDetail, responses=responses(404, 422))
async def get_office(office_id: uuid.UUID, session: Session, response: Response, now: Now) -> OfficeDetail:
    """One office: address, hours, services, capacity, and its upcoming closed days."""
    office = await service.get(session, office_id=office_id)
    holidays = await service.holidays(session, office_id=office_id, since=local_day(now))
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return OfficeDetail(
        **OfficeOut.model_validate(office).model_dump(),
        holidays=[
            HolidayOut(day=h.day, name_ar=h.name_ar, name_en=h.name_en, national=h.office_id is None) for h in holidays
        ],
    )


@router.get("/{office_id}/appointments", response_model=AppointmentPage, responses=responses(401, 403, 404, 422))
async def office_day(
    office_id: uuid.UUID,
    caller: Clerk,
    session: Session,
    now: Now,
    day: date | None = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> AppointmentPage:
    """Clerk: my office's appointments of a day (today, Cairo time, by default), by start time."""
    page = await desk.day_list(
        session, caller=caller, office_id=office_id, day=day or local_day(now), status=status, limit=limit,
        cursor=cursor,
    )  # fmt: skip
    return AppointmentPage(items=await render(session, page.items), next_cursor=page.next_cursor)


@router.post("", status_code=201, response_model=OfficeOut, responses=responses(401, 403, 409, 422))
async def create_office(body: OfficeIn, caller: Admin, session: Session) -> OfficeOut:
    """Admin: open a new office."""
    return OfficeOut.model_validate(await service.create(session, body=body))


@router.post(
    "/{office_id}/holidays", status_code=201, response_model=HolidayResult, responses=responses(401, 403, 404, 409, 422)
)
async def close_office(
    office_id: uuid.UUID, body: HolidayIn, caller: Admin, session: Session, now: Now
) -> HolidayResult:
    """Admin: close one office on a day; appointments already booked that day are cancelled
    (`office_closed`) and their citizens can book again."""
    await service.add_holiday(session, office_id=office_id, body=body)
    cancelled = await appointments.close_day(session, office_id=office_id, day=body.day, now=now)
    return HolidayResult(day=body.day, cancelled_appointments=cancelled)


@router.post("/holidays", status_code=201, response_model=HolidayResult, responses=responses(401, 403, 409, 422))
async def national_holiday(body: HolidayIn, caller: Admin, session: Session, now: Now) -> HolidayResult:
    """Admin: a national holiday closes every office."""
    await service.add_holiday(session, office_id=None, body=body)
    cancelled = await appointments.close_day(session, office_id=None, day=body.day, now=now)
    return HolidayResult(day=body.day, cancelled_appointments=cancelled)


def _governorate(g: Governorate) -> dict[str, str]:
    return {"code": g.code, "name_ar": g.name_ar, "name_en": g.name_en}
