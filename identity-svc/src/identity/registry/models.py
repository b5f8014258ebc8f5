"""The mirror of the civil registry (the registry authority owns the facts)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class Person(Base):
    __tablename__ = "persons"

    national_id: Mapped[str] = mapped_column(String(14), primary_key=True)
    first_name_ar: Mapped[str]
    full_name_ar: Mapped[str]
    full_name_latin: Mapped[str | None]
    mother_first_name_ar: Mapped[str | None]
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(6))
    governorate: Mapped[str] = mapped_column(String(2), comment="governorate of residence")
    district_ar: Mapped[str | None]
    address_ar: Mapped[str | None]
    father_national_id: Mapped[str | None] = mapped_column(String(14), index=True)
    mother_national_id: Mapped[str | None] = mapped_column(String(14), index=True)
    spouse_national_id: Mapped[str | None] = mapped_column(String(14))
    marital_status: Mapped[str] = mapped_column(String(10), default="single")
    alive: Mapped[bool] = mapped_column(default=True)
    date_of_death: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Marriage(Base):
    __tablename__ = "marriages"

    marriage_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    husband_national_id: Mapped[str] = mapped_column(String(14), index=True)
    wife_national_id: Mapped[str] = mapped_column(String(14), index=True)
    marriage_date: Mapped[date]
    divorce_date: Mapped[date | None]
    governorate: Mapped[str] = mapped_column(String(2))
