"""Facts other authorities hold, kept as a local read model keyed by national ID."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base


class Vehicle(Base):
    """A vehicle and its current owner (traffic). `owner_since` orders registrations and transfers."""

    __tablename__ = "vehicles"

    vehicle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plate_number: Mapped[str] = mapped_column(String(20))
    owner_national_id: Mapped[str] = mapped_column(String(14), index=True)
    owner_since: Mapped[datetime] = mapped_column()
    vehicle_type: Mapped[str | None] = mapped_column(String(20))
    make: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    model_year: Mapped[int | None] = mapped_column()
    engine_cc: Mapped[int | None] = mapped_column()
    governorate: Mapped[str | None] = mapped_column(String(2))
    registered_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    registered_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """The registration event its make, model and year come from (`kit.evidence.FactRef`)."""
    owner_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """The event that made the current owner its owner (a registration or a transfer)."""


class Meter(Base):
    """An electricity meter's latest reported period (a monthly average in kWh)."""

    __tablename__ = "meters"

    meter_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    subscriber_national_id: Mapped[str] = mapped_column(String(14), index=True)
    governorate: Mapped[str] = mapped_column(String(2))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    consumption_kwh: Mapped[int] = mapped_column(BigInteger)
    monthly_kwh: Mapped[int] = mapped_column()
    reported_at: Mapped[datetime] = mapped_column()
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """The event that reported this period (`kit.evidence.FactRef`); NULL from a bulk file."""


class SchoolFee(Base):
    """Annual school fees of a student for an academic year (education)."""

    __tablename__ = "school_fees"

    student_national_id: Mapped[str] = mapped_column(String(14), primary_key=True)
    academic_year: Mapped[str] = mapped_column(String(9), primary_key=True)
    guardian_national_id: Mapped[str] = mapped_column(String(14), index=True)
    school_id: Mapped[str] = mapped_column(String(50))
    school_type: Mapped[str] = mapped_column(String(20))
    annual_fees_piastres: Mapped[int] = mapped_column(BigInteger)
    reported_at: Mapped[datetime] = mapped_column()
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """The event that reported these fees (`kit.evidence.FactRef`); NULL from a bulk file."""


class Income(Base):
    """A monthly salary reported for a person (bulk files from the governorates)."""

    __tablename__ = "incomes"

    national_id: Mapped[str] = mapped_column(String(14), primary_key=True)
    monthly_salary_piastres: Mapped[int] = mapped_column(BigInteger)
    employer: Mapped[str | None] = mapped_column(String(200))
    reported_at: Mapped[datetime] = mapped_column(server_default=func.now())


class LandHolding(Base):
    """Farmland a person holds, in feddans (bulk files from the governorates)."""

    __tablename__ = "land_holdings"

    national_id: Mapped[str] = mapped_column(String(14), primary_key=True)
    feddans: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    reported_at: Mapped[datetime] = mapped_column(server_default=func.now())
