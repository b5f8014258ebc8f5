"""The service's clock (UTC) and Egypt's local time. Tests freeze it; nothing else reads time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CAIRO = ZoneInfo("Africa/Cairo")

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Tests only: make `now()` return `moment` (None: the real clock again)."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("a frozen time must be timezone-aware")
    _frozen = moment.astimezone(UTC) if moment is not None else None


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` in Egypt."""
    return moment.astimezone(CAIRO).date()
