"""Free slots across offices, and the choice of one for an order.

Assignment takes the earliest free slot among the offices of the governorate that offer the
service; offices whose earliest free slot is within `spread_window` of that one count as
near-equal, and the least loaded of them that day gets the booking (ties broken by a stable
hash of the order, so equal offices share the work instead of the first one filling up).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from kit.clock import local_day
from office_routing.offices import repository as offices_repo
from office_routing.offices.models import Office
from office_routing.offices.schedule import SlotTime, day_bounds, days_from, slots_on


@dataclass(frozen=True)
class Opening:
    office: Office
    slot: SlotTime
    capacity: int
    free: int


@dataclass(frozen=True)
class Window:
    """Where to look: slots starting at or after `earliest`, on Cairo days up to `last_day`."""

    earliest: datetime
    last_day: date

    def days(self) -> list[date]:
        first = local_day(self.earliest)
        return list(days_from(first, (self.last_day - first).days + 1))


async def openings_by_day(
    session: AsyncSession, *, offices: Sequence[Office], window: Window, day: date, closed: dict
) -> list[Opening]:
    """Every free slot of `offices` on `day`, earliest first."""
    ids = [o.id for o in offices]
    candidates = [
        (office, slot)
        for office in offices
        for slot in slots_on(office, day, closed.get(office.id, ()))
        if slot.starts_at >= window.earliest
    ]
    if not candidates:
        return []
    start, end = day_bounds(day)
    taken = await offices_repo.seats(session, office_ids=ids, start=start, end=end)
    out: list[Opening] = []
    for office, slot in sorted(candidates, key=lambda pair: (pair[1].starts_at, pair[0].code)):
        booked, capacity = taken.get((office.id, slot.starts_at), (0, office.capacity_per_slot))
        if booked < capacity:
            out.append(Opening(office, slot, capacity, capacity - booked))
    return out


async def closed_days(session: AsyncSession, *, offices: Sequence[Office], window: Window) -> dict:
    return await offices_repo.closed_days(
        session, office_ids=[o.id for o in offices], first=local_day(window.earliest), last=window.last_day
    )


async def openings(session: AsyncSession, *, offices: Sequence[Office], window: Window, limit: int) -> list[Opening]:
    """The first `limit` free slots across `offices`, earliest first."""
    if not offices:
        return []
    closed = await closed_days(session, offices=offices, window=window)
    out: list[Opening] = []
    for day in window.days():
        out += await openings_by_day(session, offices=offices, window=window, day=day, closed=closed)
        if len(out) >= limit:
            break
    return out[:limit]


async def choose(
    session: AsyncSession, *, day_openings: list[Opening], day: date, order_ref: str, spread: timedelta
) -> Opening:
    """From a day's free slots, the booking for `order_ref` (see the module docstring)."""
    first_per_office: dict[object, Opening] = {}
    for opening in day_openings:
        first_per_office.setdefault(opening.office.id, opening)
    t0 = min(o.slot.starts_at for o in first_per_office.values())
    near = [o for o in first_per_office.values() if o.slot.starts_at - t0 <= spread]
    if len(near) == 1:
        return near[0]
    start, end = day_bounds(day)
    booked = await offices_repo.booked_per_office(session, office_ids=[o.office.id for o in near], start=start, end=end)

    def load(opening: Opening) -> tuple[float, str]:
        office = opening.office
        daily = max(1, len(slots_on(office, day)) * office.capacity_per_slot)
        tie = hashlib.sha256(f"{order_ref}|{office.code}".encode()).hexdigest()
        return booked.get(office.id, 0) / daily, tie

    return min(near, key=load)
