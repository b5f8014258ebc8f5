"""The citizen's appointments and the clerk's desk actions under /v1/appointments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from kit.app import Session
from kit.auth import CurrentCitizen
from kit.clock import CAIRO
from kit.errors import ProblemError, responses
from office_routing.appointments import desk, service
from office_routing.appointments.models import Appointment, Status
from office_routing.appointments.schemas import (
    AppointmentOut,
    AppointmentPage,
    HistoryOut,
    OfficeBrief,
    OpeningOut,
    Reschedule,
    Verify,
)
from office_routing.deps import Clerk, Ctx, Now

router = APIRouter(prefix="/v1/appointments", tags=["appointments"])
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]


def citizen_id(caller: CurrentCitizen) -> uuid.UUID:
    try:
        return uuid.UUID(caller.subject)
    except ValueError as exc:
        raise ProblemError("invalid_token", status=401) from exc


async def render(session: AsyncSession, appointments: Sequence[Appointment]) -> list[AppointmentOut]:
    offices = await service.offices_of(session, appointments)
    return [AppointmentOut.of(a, offices[a.office_id]) for a in appointments]


@router.get("", response_model=AppointmentPage, responses=responses(401, 403, 422))
async def my_appointments(
    caller: CurrentCitizen, session: Session, status: Status | None = None, limit: Limit = 20, cursor: Cursor = None
) -> AppointmentPage:
    """My appointments, earliest first (filter by status)."""
    page = await service.page_for(session, citizen_id=citizen_id(caller), status=status, limit=limit, cursor=cursor)
    return AppointmentPage(items=await render(session, page.items), next_cursor=page.next_cursor)


@router.get("/{appointment_id}", response_model=AppointmentOut, responses=responses(401, 403, 404))
async def my_appointment(appointment_id: uuid.UUID, caller: CurrentCitizen, session: Session) -> AppointmentOut:
    appointment = await service.of_citizen(session, appointment_id=appointment_id, citizen_id=citizen_id(caller))
    return (await render(session, [appointment]))[0]


@router.get("/{appointment_id}/history", response_model=list[HistoryOut], responses=responses(401, 403, 404))
async def my_appointment_history(
    appointment_id: uuid.UUID, caller: CurrentCitizen, session: Session
) -> list[HistoryOut]:
    """Everything that happened to the appointment: booked, moved, checked in, verified, ended."""
    rows = await service.history_of(session, appointment_id=appointment_id, citizen_id=citizen_id(caller))
    return [HistoryOut.model_validate(r) for r in rows]


@router.get("/{appointment_id}/alternatives", response_model=list[OpeningOut], responses=responses(401, 403, 404, 422))
async def list_alternative_slots(
    appointment_id: uuid.UUID,
    caller: CurrentCitizen,
    session: Session,
    ctx: Ctx,
    now: Now,
    office_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[OpeningOut]:
    """Free slots I could move to, earliest first: offices of my governorate offering the service."""
    appointment = await service.of_citizen(session, appointment_id=appointment_id, citizen_id=citizen_id(caller))
    found = await service.alternatives(
        session, appointment=appointment, office_id=office_id, policy=ctx.resources.policy, now=now, limit=limit
    )
    return [
        OpeningOut(
            office=OfficeBrief.model_validate(o.office),
            starts_at=o.slot.starts_at,
            ends_at=o.slot.ends_at,
            local_start=o.slot.starts_at.astimezone(CAIRO).strftime("%Y-%m-%d %H:%M"),
            free_seats=o.free,
        )
        for o in found
    ]


@router.post(
    "/{appointment_id}/reschedule", status_code=201, response_model=AppointmentOut,
    responses=responses(401, 403, 404, 409, 422),
)  # fmt: skip
async def reschedule_appointment(
    appointment_id: uuid.UUID,
    body: Reschedule,
    caller: CurrentCitizen,
    session: Session,
    ctx: Ctx,
    now: Now,
) -> AppointmentOut:
    """Move to another free slot (or book again after a no-show or a cancellation). The new
    appointment replaces this one; repeating the same request changes nothing."""
    appointment = await service.reschedule(
        session, appointment_id=appointment_id, citizen_id=citizen_id(caller), office_id=body.office_id,
        starts_at=body.starts_at, policy=ctx.resources.policy, now=now,
    )  # fmt: skip
    return (await render(session, [appointment]))[0]


@router.post("/{appointment_id}/cancel", response_model=AppointmentOut, responses=responses(401, 403, 404, 409))
async def cancel_appointment(
    appointment_id: uuid.UUID, caller: CurrentCitizen, session: Session, now: Now
) -> AppointmentOut:
    """Give up this slot; the request stays paid and I can book again (reschedule)."""
    appointment = await service.cancel(session, appointment_id=appointment_id, citizen_id=citizen_id(caller), now=now)
    return (await render(session, [appointment]))[0]


@router.post("/{appointment_id}/check-in", response_model=AppointmentOut, responses=responses(401, 403, 404, 409))
async def check_in_appointment(appointment_id: uuid.UUID, caller: Clerk, session: Session, now: Now) -> AppointmentOut:
    """Clerk: the citizen is at the desk (on the appointment's day, or earlier if served early)."""
    appointment = await desk.check_in(session, caller=caller, appointment_id=appointment_id, now=now)
    return (await render(session, [appointment]))[0]


@router.post("/{appointment_id}/verify", response_model=AppointmentOut, responses=responses(401, 403, 404, 409, 422))
async def verify_appointment(
    appointment_id: uuid.UUID, body: Verify, caller: Clerk, session: Session, now: Now
) -> AppointmentOut:
    """Clerk: the citizen was confirmed in person against their national ID card. A mismatch
    is refused (422) and recorded in the appointment's history."""
    appointment = await desk.verify(
        session, caller=caller, appointment_id=appointment_id, national_id=body.national_id, now=now
    )
    return (await render(session, [appointment]))[0]


@router.post("/{appointment_id}/no-show", response_model=AppointmentOut, responses=responses(401, 403, 404, 409))
async def mark_no_show(
    appointment_id: uuid.UUID, caller: Clerk, session: Session, ctx: Ctx, now: Now
) -> AppointmentOut:
    """Clerk: the citizen did not come (after the grace period); the seat is freed."""
    appointment = await desk.no_show(
        session, caller=caller, appointment_id=appointment_id, policy=ctx.resources.policy, now=now
    )
    return (await render(session, [appointment]))[0]
