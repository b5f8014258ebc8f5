"""Offices (notary offices, government service centres, post offices), their holidays, and
the booking counter of each slot."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Double,
    ForeignKey,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from office_routing.models import Base


class Kind(StrEnum):
    NOTARY_OFFICE = "notary_office"
    SERVICE_CENTRE = "service_centre"
    POST_OFFICE = "post_office"


SUNDAY_TO_THURSDAY = [7, 1, 2, 3, 4]
"""ISO weekdays (Monday 1 ... Sunday 7): Egypt's government week."""


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    governorate: Mapped[str] = mapped_column(String(2), index=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address_ar: Mapped[str] = mapped_column(String(300))
    address_en: Mapped[str] = mapped_column(String(300))
    latitude: Mapped[float] = mapped_column(Double)
    longitude: Mapped[float] = mapped_column(Double)
    services: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    working_days: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger))
    opens_at: Mapped[time]
    closes_at: Mapped[time]
    slot_minutes: Mapped[int]
    capacity_per_slot: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Holiday(Base):
    """A day an office is closed; `office_id` null = a national holiday (every office)."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("office_id", "day", postgresql_nulls_not_distinct=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[date]
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Slot(Base):
    """Seats taken in one slot of one office. Created on first booking; `booked` never exceeds
    `capacity` (a CHECK constraint, and every increment is a guarded single-row UPDATE)."""

    __tablename__ = "slots"
    __table_args__ = (CheckConstraint("booked >= 0 AND booked <= capacity", name="seats"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(primary_key=True)
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(SmallInteger)
    booked: Mapped[int] = mapped_column(SmallInteger, default=0)
