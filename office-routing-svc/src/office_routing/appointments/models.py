"""Orders (what a visit is for, from the requesting service), appointments and their audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from office_routing.models import Base


class OrderStatus(StrEnum):
    OPEN = "open"
    VERIFIED = "verified"
    CANCELLED = "cancelled"


class Status(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    VERIFIED = "verified"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    RESCHEDULED = "rescheduled"


ACTIVE = (Status.BOOKED, Status.CHECKED_IN)


class Order(Base):
    """A paid request that needs a visit (e.g. `notary:<poa_id>`), known from the requester's events."""

    __tablename__ = "orders"

    order_ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(index=True)
    national_id: Mapped[str | None] = mapped_column(String(14))
    service_code: Mapped[str | None] = mapped_column(String(64))
    governorate: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.OPEN)
    waiting_reason: Mapped[str | None] = mapped_column(String(40))
    """Set while no appointment could be assigned (`no_office`, `no_free_slot`); retried."""
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index(
            "uq_appointments_active_order",
            "order_ref",
            unique=True,
            postgresql_where=text("status IN ('booked', 'checked_in')"),
        ),
        Index("ix_appointments_office_starts", "office_id", "starts_at"),
        Index("ix_appointments_citizen_starts", "citizen_id", "starts_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_ref: Mapped[str] = mapped_column(ForeignKey("orders.order_ref"))
    citizen_id: Mapped[uuid.UUID]
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    service_code: Mapped[str] = mapped_column(String(64))
    governorate: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=Status.BOOKED)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointments.id"))
    booked_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(100))
    ended_at: Mapped[datetime | None]


class AppointmentEvent(Base):
    """The audit trail: who did what to an appointment, when (append-only)."""

    __tablename__ = "appointment_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointments.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
