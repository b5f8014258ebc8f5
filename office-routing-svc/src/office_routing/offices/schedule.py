"""An office's slots from its timetable: working days and hours in Cairo time, minus holidays.

Pure functions (no database): slots are computed, and only the seats taken are stored.
Each slot start is built from the local wall-clock time, so days on which Egypt changes
to or from summer time still get the office's real opening hours.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from kit.clock import CAIRO, local_day


class Timetable(Protocol):
    working_days: list[int]
    opens_at: time
    closes_at: time
    slot_minutes: int


@dataclass(frozen=True, order=True)
class SlotTime:
    starts_at: datetime
    ends_at: datetime


def is_open(office: Timetable, day: date, closed_days: Collection[date] = ()) -> bool:
    return day.isoweekday() in office.working_days and day not in closed_days


def slots_on(office: Timetable, day: date, closed_days: Collection[date] = ()) -> list[SlotTime]:
    """The day's slots in order (UTC), empty on a closed day."""
    if not is_open(office, day, closed_days):
        return []
    out: list[SlotTime] = []
    step = timedelta(minutes=office.slot_minutes)
    local = datetime.combine(day, office.opens_at)
    closing = datetime.combine(day, office.closes_at)
    while local + step <= closing:
        out.append(SlotTime(_utc(local.replace(tzinfo=CAIRO)), _utc((local + step).replace(tzinfo=CAIRO))))
        local += step
    return out


def slot_at(office: Timetable, starts_at: datetime, closed_days: Collection[date] = ()) -> SlotTime | None:
    """The slot that starts exactly at `starts_at`, if the timetable has one."""
    for slot in slots_on(office, local_day(starts_at), closed_days):
        if slot.starts_at == starts_at:
            return slot
    return None


def days_from(first: date, count: int) -> Iterator[date]:
    for offset in range(count):
        yield first + timedelta(days=offset)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a Cairo calendar day starts and ends."""
    start = datetime.combine(day, time(0), tzinfo=CAIRO)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=CAIRO)
    return _utc(start), _utc(end)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
