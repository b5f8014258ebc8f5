"""The one clock: every service reads the time from its runtime's `Clock`, so tests can move it.

Routes take `now: Now`; handlers and sweeps call `ctx.now()`. Nothing outside this module
calls `datetime.now(...)` (tests/test_architecture.py checks it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CAIRO = ZoneInfo("Africa/Cairo")
"""The platform's local time zone: what citizens read on a page, a receipt or an SMS."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock tests set and move; it stands still between moves."""

    def __init__(self, start: datetime | None = None) -> None:
        self._at = start or datetime.now(UTC)
        if self._at.tzinfo is None:
            raise ValueError("a clock's time is timezone-aware")

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock's time is timezone-aware")
        self._at = at

    def advance(self, by: timedelta) -> None:
        self._at += by


class OffsetClock:
    """The system's time moved by an offset that tests change: time keeps running."""

    def __init__(self, offset: timedelta = timedelta()) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


SYSTEM = SystemClock()


def utcnow() -> datetime:
    """The system clock, for code that runs outside a service (CLIs, migrations, tools)."""
    return SYSTEM.now()


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` in Egypt."""
    return moment.astimezone(CAIRO).date()
