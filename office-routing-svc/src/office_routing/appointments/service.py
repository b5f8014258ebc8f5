"""Appointments: assignment when a request is paid, the citizen's own actions (alternatives,
reschedule, cancel), and the requester's cancellation. Clerk actions are in `desk.py`.

Every change to an order's appointments first locks the order's row, so a reschedule, a
cancellation and a clerk's action on the same order never interleave; seats are taken with
a guarded UPDATE on the slot's counter (see `offices.repository.take_seat`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.office import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentEnd,
    AppointmentRequested,
    AppointmentWithdrawn,
)
from kit.clock import local_day
from kit.errors import Conflict, NotFound, ProblemError
from kit.messaging import record
from kit.repository import Page
from office_routing import texts
from office_routing.appointments import availability
from office_routing.appointments import repository as repo
from office_routing.appointments.availability import Opening, Window
from office_routing.appointments.models import Appointment, Order, OrderStatus, Status
from office_routing.appointments.repository import AppointmentRepository
from office_routing.offices import repository as offices_repo
from office_routing.offices.models import Office
from office_routing.offices.repository import OfficeRepository
from office_routing.offices.schedule import day_bounds, slot_at
from office_routing.settings import Settings

log = logging.getLogger("office_routing.appointments")

REBOOKABLE = {Status.NO_SHOW: None, Status.CANCELLED: ("cancelled_by_citizen", "office_closed")}


@dataclass(frozen=True)
class Policy:
    """Booking rules from the settings."""

    lead: timedelta = timedelta(minutes=60)
    horizon_days: int = 30
    spread: timedelta = timedelta(minutes=60)
    no_show_grace: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            lead=timedelta(minutes=settings.booking_lead_minutes),
            horizon_days=settings.booking_horizon_days,
            spread=timedelta(minutes=settings.spread_window_minutes),
            no_show_grace=timedelta(minutes=settings.no_show_grace_minutes),
        )

    def window(self, now: datetime) -> Window:
        earliest = now + self.lead
        return Window(earliest=earliest, last_day=local_day(now) + timedelta(days=self.horizon_days))


# --- events from the requesting service -------------------------------------------------------


async def on_requested(
    session: AsyncSession, *, event: AppointmentRequested, policy: Policy, now: datetime
) -> Appointment | None:
    """Book a visit a service asked for, once per `order_ref` (a repeated request books nothing)."""
    await repo.ensure_order(
        session,
        order_ref=event.order_ref,
        citizen_id=event.citizen_id,
        national_id=event.national_id,
        service_code=event.service_code,
        governorate=event.governorate,
        status=OrderStatus.OPEN,
        paid_at=event.requested_at,
    )
    order = await repo.lock_order(session, event.order_ref)
    assert order is not None
    if order.status != OrderStatus.OPEN or await AppointmentRepository(session).any_for(order.order_ref):
        return None
    return await assign(session, order=order, policy=policy, now=now)


async def on_withdrawn(session: AsyncSession, *, event: AppointmentWithdrawn, now: datetime) -> None:
    """The request was withdrawn: close the order and free its appointment, if any."""
    await repo.ensure_order(
        session, order_ref=event.order_ref, citizen_id=event.citizen_id, status=OrderStatus.CANCELLED
    )
    order = await repo.lock_order(session, event.order_ref)
    assert order is not None
    if order.status == OrderStatus.VERIFIED:
        log.warning("cancellation of %s after its verification ignored", order.order_ref)
        return
    order.status, order.waiting_reason = OrderStatus.CANCELLED, None
    active = await AppointmentRepository(session).active_for(order.order_ref)
    if active is not None:
        await end(session, active, reason="cancelled_by_requester", actor="requester", now=now)


async def assign(session: AsyncSession, *, order: Order, policy: Policy, now: datetime) -> Appointment | None:
    """Book the best free slot for `order` (locked by the caller); None (and the order marked
    waiting, to be retried) when no office or no slot is free within the horizon."""
    assert order.governorate
    assert order.service_code
    offices_list = await OfficeRepository(session).candidates(
        governorate=order.governorate, service_code=order.service_code
    )
    if not offices_list:
        order.waiting_reason = "no_office"
        return None
    window = policy.window(now)
    closed = await availability.closed_days(session, offices=offices_list, window=window)
    for day in window.days():
        for _attempt in range(8):  # a seat taken concurrently: look again
            day_openings = await availability.openings_by_day(
                session, offices=offices_list, window=window, day=day, closed=closed
            )
            if not day_openings:
                break
            pick = await availability.choose(
                session, day_openings=day_openings, day=day, order_ref=order.order_ref, spread=policy.spread
            )
            if await _take(session, pick):
                order.waiting_reason = None
                return await _book(session, order=order, opening=pick, now=now, actor="system:assignment")
    order.waiting_reason = "no_free_slot"
    return None


async def retry_waiting(session: AsyncSession, *, policy: Policy, now: datetime, limit: int = 50) -> int:
    """Try again to book the orders that found no free slot (new offices, cancellations)."""
    booked = 0
    for order in await repo.waiting_orders(session, limit=limit):
        if await AppointmentRepository(session).active_for(order.order_ref) is None:
            booked += await assign(session, order=order, policy=policy, now=now) is not None
    return booked


# --- the citizen ------------------------------------------------------------------------------


async def page_for(
    session: AsyncSession, *, citizen_id: uuid.UUID, status: str | None, limit: int, cursor: str | None
) -> Page[Appointment]:
    appointments = AppointmentRepository(session)
    return await appointments.paginate(appointments.of_citizen(citizen_id, status=status), limit=limit, cursor=cursor)


async def of_citizen(session: AsyncSession, *, appointment_id: uuid.UUID, citizen_id: uuid.UUID) -> Appointment:
    """The citizen's appointment; someone else's is reported as absent (404)."""
    appointment = await AppointmentRepository(session).get(appointment_id)
    if appointment is None or appointment.citizen_id != citizen_id:
        raise NotFound("appointment_not_found")
    return appointment


async def history_of(session: AsyncSession, *, appointment_id: uuid.UUID, citizen_id: uuid.UUID) -> Sequence[Any]:
    """Everything that happened to the citizen's appointment (404 for anyone else's)."""
    await of_citizen(session, appointment_id=appointment_id, citizen_id=citizen_id)
    return await AppointmentRepository(session).history(appointment_id)


async def offices_of(session: AsyncSession, appointments: Sequence[Appointment]) -> dict[uuid.UUID, Office]:
    """The office of each appointment, by id."""
    found = await OfficeRepository(session).by_ids({a.office_id for a in appointments})
    return {office.id: office for office in found}


async def alternatives(
    session: AsyncSession,
    *,
    appointment: Appointment,
    office_id: uuid.UUID | None,
    policy: Policy,
    now: datetime,
    limit: int,
) -> list[Opening]:
    """Free slots the citizen could move to: offices of the same governorate offering the service."""
    candidates = await OfficeRepository(session).candidates(
        governorate=appointment.governorate, service_code=appointment.service_code
    )
    if office_id is not None:
        candidates = [o for o in candidates if o.id == office_id]
    return await availability.openings(session, offices=candidates, window=policy.window(now), limit=limit)


async def reschedule(
    session: AsyncSession,
    *,
    appointment_id: uuid.UUID,
    citizen_id: uuid.UUID,
    office_id: uuid.UUID,
    starts_at: datetime,
    policy: Policy,
    now: datetime,
) -> Appointment:
    """Move a booked appointment, or book again after a no-show or a cancellation: a new
    appointment replaces the old one (the history keeps both)."""
    seen = await of_citizen(session, appointment_id=appointment_id, citizen_id=citizen_id)
    order = await repo.lock_order(session, seen.order_ref)
    appointments = AppointmentRepository(session)
    current = await appointments.for_update(appointment_id)
    assert order is not None
    assert current is not None
    if order.status != OrderStatus.OPEN:
        raise Conflict("order_closed", params={"status": texts.word(texts.STATUS_NAMES, order.status)})
    if current.status == Status.BOOKED:
        if current.office_id == office_id and current.starts_at == starts_at:
            return current  # already there: a repeated request changes nothing
    elif _rebookable(current):
        if await appointments.active_for(order.order_ref) is not None:
            raise Conflict("already_rebooked")
    else:
        raise illegal(current, "reschedule")
    office = await OfficeRepository(session).get(office_id)
    if office is None or not office.active:
        raise NotFound("office_not_found")
    if office.governorate != current.governorate or current.service_code not in office.services:
        raise ProblemError("office_not_eligible", status=422)
    opening = await _opening_at(session, office=office, starts_at=starts_at, window=policy.window(now))
    if current.status == Status.BOOKED:
        await _move_seat(session, current, opening)
        await _finish(session, current, Status.RESCHEDULED, reason=None, actor=f"citizen:{citizen_id}", now=now)
    elif not await _take(session, opening):
        raise Conflict("slot_full")
    order.waiting_reason = None
    return await _book(session, order=order, opening=opening, now=now, actor=f"citizen:{citizen_id}", replaces=current)


async def cancel(
    session: AsyncSession, *, appointment_id: uuid.UUID, citizen_id: uuid.UUID, now: datetime
) -> Appointment:
    """The citizen gives up this slot (the request stays paid; they can book again)."""
    seen = await of_citizen(session, appointment_id=appointment_id, citizen_id=citizen_id)
    await repo.lock_order(session, seen.order_ref)
    current = await AppointmentRepository(session).for_update(appointment_id)
    assert current is not None
    if current.status != Status.BOOKED:
        raise illegal(current, "cancel")
    await end(session, current, reason="cancelled_by_citizen", actor=f"citizen:{citizen_id}", now=now)
    return current


# --- shared steps -------------------------------------------------------------------------------


async def end(
    session: AsyncSession, appointment: Appointment, *, reason: AppointmentEnd, actor: str, now: datetime
) -> None:
    """End an active appointment without a visit: free its seat, record it, tell the requester."""
    status = Status.NO_SHOW if reason == "no_show" else Status.CANCELLED
    await offices_repo.release_seat(session, office_id=appointment.office_id, starts_at=appointment.starts_at)
    await _finish(session, appointment, status, reason=reason, actor=actor, now=now)
    await record(
        session,
        AppointmentCancelled(
            appointment_id=appointment.id,
            citizen_id=appointment.citizen_id,
            office_id=appointment.office_id,
            service_code=appointment.service_code,
            order_ref=appointment.order_ref,
            reason=reason,
            cancelled_at=now,
        ),
    )


async def close_day(session: AsyncSession, *, office_id: uuid.UUID | None, day: date, now: datetime) -> int:
    """A holiday declared after bookings: cancel that day's appointments (`office_closed`)."""
    start, end_ = day_bounds(day)
    ids = None if office_id is None else [office_id]
    affected = await AppointmentRepository(session).active_on(office_ids=ids, start=start, end=end_)
    for appointment in affected:
        await end(session, appointment, reason="office_closed", actor="admin:holiday", now=now)
    return len(affected)


def _rebookable(appointment: Appointment) -> bool:
    if appointment.status not in REBOOKABLE:
        return False
    reasons = REBOOKABLE[Status(appointment.status)]
    return reasons is None or appointment.end_reason in reasons


def illegal(appointment: Appointment, action: str) -> ProblemError:
    return Conflict(
        "illegal_transition",
        params={
            "status": texts.word(texts.STATUS_NAMES, appointment.status),
            "action": texts.word(texts.ACTION_NAMES, action),
        },
        extra={"status_code": appointment.status},
    )


async def _opening_at(session: AsyncSession, *, office: Office, starts_at: datetime, window: Window) -> Opening:
    day = local_day(starts_at)
    closed = await offices_repo.closed_days(session, office_ids=[office.id], first=day, last=day)
    slot = slot_at(office, starts_at, closed[office.id])
    if slot is None or slot.starts_at < window.earliest or day > window.last_day:
        raise ProblemError("not_a_slot", status=422)
    return Opening(office=office, slot=slot, capacity=office.capacity_per_slot, free=1)


async def _take(session: AsyncSession, opening: Opening) -> bool:
    return await offices_repo.take_seat(
        session,
        office_id=opening.office.id,
        starts_at=opening.slot.starts_at,
        ends_at=opening.slot.ends_at,
        capacity=opening.capacity,
    )


async def _move_seat(session: AsyncSession, current: Appointment, opening: Opening) -> None:
    """Release the old seat and take the new one, touching the two slot rows in a fixed order
    so two citizens swapping slots cannot deadlock."""
    old_key = (str(current.office_id), current.starts_at)
    new_key = (str(opening.office.id), opening.slot.starts_at)
    if old_key < new_key:
        await offices_repo.release_seat(session, office_id=current.office_id, starts_at=current.starts_at)
    if not await _take(session, opening):
        raise Conflict("slot_full")
    if old_key > new_key:
        await offices_repo.release_seat(session, office_id=current.office_id, starts_at=current.starts_at)


async def _finish(
    session: AsyncSession, appointment: Appointment, status: Status, *, reason: str | None, actor: str, now: datetime
) -> None:
    appointment.status, appointment.end_reason, appointment.ended_at = status, reason, now
    await session.flush()
    await AppointmentRepository(session).log(appointment.id, status.value, actor=actor, at=now, reason=reason)


async def _book(
    session: AsyncSession,
    *,
    order: Order,
    opening: Opening,
    now: datetime,
    actor: str,
    replaces: Appointment | None = None,
) -> Appointment:
    office, slot = opening.office, opening.slot
    appointment = Appointment(
        id=uuid.uuid4(),
        order_ref=order.order_ref,
        citizen_id=order.citizen_id,
        office_id=office.id,
        service_code=order.service_code or (replaces.service_code if replaces else ""),
        governorate=office.governorate,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=Status.BOOKED,
        replaces_id=replaces.id if replaces else None,
        booked_at=now,
    )
    appointments = AppointmentRepository(session)
    await appointments.add(appointment)
    await appointments.log(
        appointment.id, "booked", actor=actor, at=now, office=office.code, starts_at=slot.starts_at.isoformat(),
        replaces=str(replaces.id) if replaces else None,
    )  # fmt: skip
    await record(
        session,
        AppointmentBooked(
            appointment_id=appointment.id,
            citizen_id=appointment.citizen_id,
            office_id=office.id,
            governorate=office.governorate,
            service_code=appointment.service_code,
            order_ref=order.order_ref,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            booked_at=now,
        ),
    )
    return appointment
