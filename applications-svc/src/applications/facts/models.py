"""Local read models of what other authorities hold, kept current by their events: the facts an
application is prefilled with (never asked of the applicant)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from applications.models import Base


class Vehicle(Base):
    """traffic.vehicle.registered/transferred: who owns which vehicle."""

    __tablename__ = "fact_vehicles"

    vehicle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_national_id: Mapped[str] = mapped_column(Text, index=True)
    plate_number: Mapped[str] = mapped_column(Text)
    vehicle_type: Mapped[str] = mapped_column(Text)
    make: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text)
    model_year: Mapped[int]
    governorate: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime]


class RationCard(Base):
    """ration.eligibility.changed: the household's card and whether it is eligible."""

    __tablename__ = "fact_ration_cards"

    holder_national_id: Mapped[str] = mapped_column(Text, primary_key=True)
    card_id: Mapped[uuid.UUID]
    eligible: Mapped[bool]
    decided_at: Mapped[datetime]


class Consumption(Base):
    """electricity.consumption.reported: each meter's latest billing period."""

    __tablename__ = "fact_electricity"

    meter_id: Mapped[str] = mapped_column(Text, primary_key=True)
    subscriber_national_id: Mapped[str] = mapped_column(Text, index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    consumption_kwh: Mapped[int]


class SchoolFees(Base):
    """education.fees.reported: a student's fees per academic year, and who pays them."""

    __tablename__ = "fact_school_fees"

    student_national_id: Mapped[str] = mapped_column(Text, primary_key=True)
    academic_year: Mapped[str] = mapped_column(Text, primary_key=True)
    guardian_national_id: Mapped[str] = mapped_column(Text, index=True)
    school_type: Mapped[str] = mapped_column(Text)
    annual_fees_piastres: Mapped[int]


class Company(Base):
    """registry.company.registered: companies and the owners who may sign for them."""

    __tablename__ = "fact_companies"
    __table_args__ = (Index("ix_fact_companies_owners", "owner_national_ids", postgresql_using="gin"),)

    registry_number: Mapped[str] = mapped_column(Text, primary_key=True)
    name_ar: Mapped[str] = mapped_column(Text)
    legal_form: Mapped[str] = mapped_column(Text)
    owner_national_ids: Mapped[list[str]] = mapped_column(ARRAY(Text))
    capital_piastres: Mapped[int]
    activity_ar: Mapped[str] = mapped_column(Text)
    governorate: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime]
