"""The office desk: a clerk's view of their office's day, check-in, the in-person
verification that lets the requester issue, and no-shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.office import AppointmentVerified
from kit import i18n
from kit.auth import Caller, Role
from kit.errors import Conflict, FieldError, NotFound, ProblemError
from kit.messaging import record
from kit.repository import Page
from office_routing.appointments import repository as repo
from office_routing.appointments.models import Appointment, OrderStatus, Status
from office_routing.appointments.repository import AppointmentRepository
from office_routing.appointments.service import Policy, end, illegal
from office_routing.clock import local_day
from office_routing.offices import repository as offices_repo
from office_routing.offices.models import Office
from office_routing.offices.repository import OfficeRepository
from office_routing.offices.schedule import day_bounds

STAFF_NAMESPACE = uuid.UUID("a3f4c2d1-6b7e-4f80-9c1d-2e3f4a5b6c7d")


def works_at(caller: Caller, office: Office) -> bool:
    """The staff token's `office` claim names this office (by id or by code); admins everywhere."""
    return caller.has_role(Role.ADMIN) or caller.office_id in (str(office.id), office.code)


def clerk_id(caller: Caller) -> uuid.UUID:
    """The clerk as a UUID (identity's staff ids are UUIDs; anything else gets a stable one)."""
    try:
        return uuid.UUID(caller.subject)
    except ValueError:
        return uuid.uuid5(STAFF_NAMESPACE, caller.subject)


async def day_list(
    session: AsyncSession,
    *,
    caller: Caller,
    office_id: uuid.UUID,
    day: date,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> Page[Appointment]:
    office = await OfficeRepository(session).get(office_id)
    if office is None:
        raise NotFound("office_not_found")
    if not works_at(caller, office):
        raise ProblemError("not_your_office", status=403)
    start, end_ = day_bounds(day)
    appointments = AppointmentRepository(session)
    query = appointments.of_office(office_id, start=start, end=end_, status=status)
    return await appointments.paginate(query, limit=limit, cursor=cursor)


async def check_in(session: AsyncSession, *, caller: Caller, appointment_id: uuid.UUID, now: datetime) -> Appointment:
    appointment = await _at_my_office(session, caller=caller, appointment_id=appointment_id)
    if appointment.status != Status.BOOKED:
        raise illegal(appointment, "check_in")
    if local_day(now) > local_day(appointment.starts_at):  # early arrivals are served; a past day is not
        raise Conflict("appointment_passed", params={"day": i18n.Day(appointment.starts_at)})
    appointment.status, appointment.checked_in_at = Status.CHECKED_IN, now
    await AppointmentRepository(session).log(appointment.id, "checked_in", actor=_actor(caller), at=now)
    return appointment


async def verify(
    session: AsyncSession, *, caller: Caller, appointment_id: uuid.UUID, national_id: str | None, now: datetime
) -> Appointment:
    """The clerk has seen the citizen in person and typed the national ID from their card: it
    must be the requester's. Recorded and announced, so the requester can issue. A citizen
    served before their appointment's day gives that day's seat back to others."""
    appointment = await _at_my_office(session, caller=caller, appointment_id=appointment_id)
    if appointment.status != Status.CHECKED_IN:
        raise illegal(appointment, "verify")
    order = await repo.lock_order(session, appointment.order_ref)
    assert order is not None
    if order.national_id and national_id != order.national_id:
        reason = FieldError(field="body.national_id", reason="الرقم القومي غير مطابق / National ID does not match",
                            code="identity_mismatch")  # fmt: skip
        raise ProblemError("identity_mismatch", status=422, errors=[reason])
    if local_day(now) < local_day(appointment.starts_at):
        await offices_repo.release_seat(session, office_id=appointment.office_id, starts_at=appointment.starts_at)
    appointment.status, appointment.verified_at, appointment.verified_by = Status.VERIFIED, now, caller.subject
    order.status, order.waiting_reason = OrderStatus.VERIFIED, None
    await AppointmentRepository(session).log(
        appointment.id, "verified", actor=_actor(caller), at=now, national_id_checked=True
    )
    await record(
        session,
        AppointmentVerified(
            appointment_id=appointment.id,
            citizen_id=appointment.citizen_id,
            office_id=appointment.office_id,
            service_code=appointment.service_code,
            order_ref=appointment.order_ref,
            clerk_id=clerk_id(caller),
            verified_at=now,
        ),
    )
    return appointment


async def no_show(
    session: AsyncSession, *, caller: Caller, appointment_id: uuid.UUID, policy: Policy, now: datetime
) -> Appointment:
    """The citizen did not come: the seat is freed, the no-show recorded and announced."""
    appointment = await _at_my_office(session, caller=caller, appointment_id=appointment_id)
    if appointment.status != Status.BOOKED:
        raise illegal(appointment, "no_show")
    allowed_from = appointment.starts_at + policy.no_show_grace
    if now < allowed_from:
        raise Conflict("too_early", params={"time": i18n.Moment(allowed_from)})
    await end(session, appointment, reason="no_show", actor=_actor(caller), now=now)
    return appointment


async def _at_my_office(session: AsyncSession, *, caller: Caller, appointment_id: uuid.UUID) -> Appointment:
    """The appointment, locked, if it is at the clerk's office (else reported absent)."""
    appointments = AppointmentRepository(session)
    found = await appointments.get(appointment_id)
    if found is None:
        raise NotFound("appointment_not_found")
    await repo.lock_order(session, found.order_ref)
    appointment = await appointments.for_update(appointment_id)
    office = await OfficeRepository(session).get(found.office_id)
    if appointment is None or office is None or not works_at(caller, office):
        raise NotFound("appointment_not_found")
    return appointment


async def record_refusal(session: AsyncSession, *, caller: Caller, appointment_id: uuid.UUID, now: datetime) -> None:
    """Audit a refused identity check. Called in a transaction of its own, because the
    refused request's transaction is rolled back."""
    await AppointmentRepository(session).log(appointment_id, "verification_refused", actor=_actor(caller), at=now)


def _actor(caller: Caller) -> str:
    return f"{caller.kind}:{caller.subject}"
