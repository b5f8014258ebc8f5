"""An office's timetable in Cairo time: working days, hours, holidays, summer time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from office_routing.offices.schedule import day_bounds, slot_at, slots_on


@dataclass
class Office:
    working_days: list[int] = field(default_factory=lambda: [7, 1, 2, 3, 4])
    opens_at: time = time(9, 0)
    closes_at: time = time(11, 0)
    slot_minutes: int = 30


SUNDAY_WINTER = date(2030, 1, 6)
SUNDAY_SUMMER = date(2030, 7, 7)


class TestSlots:
    def test_a_working_day_in_winter_is_cairo_time_plus_two(self):
        slots = slots_on(Office(), SUNDAY_WINTER)
        assert [s.starts_at.hour for s in slots] == [7, 7, 8, 8]
        assert slots[0].starts_at == datetime(2030, 1, 6, 7, 0, tzinfo=UTC)
        assert slots[-1].ends_at == datetime(2030, 1, 6, 9, 0, tzinfo=UTC)

    def test_summer_time_keeps_the_local_opening_hour(self):
        assert slots_on(Office(), SUNDAY_SUMMER)[0].starts_at == datetime(2030, 7, 7, 6, 0, tzinfo=UTC)

    def test_friday_saturday_and_holidays_have_none(self):
        assert slots_on(Office(), date(2030, 1, 4)) == []  # Friday
        assert slots_on(Office(), date(2030, 1, 5)) == []  # Saturday
        assert slots_on(Office(), SUNDAY_WINTER, {SUNDAY_WINTER}) == []

    def test_a_partial_last_slot_is_not_offered(self):
        assert len(slots_on(Office(closes_at=time(10, 45)), SUNDAY_WINTER)) == 3

    def test_slot_at_accepts_only_real_starts(self):
        assert slot_at(Office(), datetime(2030, 1, 6, 7, 30, tzinfo=UTC)) is not None
        assert slot_at(Office(), datetime(2030, 1, 6, 7, 40, tzinfo=UTC)) is None
        assert slot_at(Office(), datetime(2030, 1, 6, 9, 0, tzinfo=UTC)) is None  # closing time

    def test_day_bounds_are_cairo_midnights(self):
        assert day_bounds(SUNDAY_WINTER) == (
            datetime(2030, 1, 5, 22, 0, tzinfo=UTC),
            datetime(2030, 1, 6, 22, 0, tzinfo=UTC),
        )
