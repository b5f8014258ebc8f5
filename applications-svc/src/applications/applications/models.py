"""Applications (each keeps the definition version it started on) and every step of each."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from applications.models import Base

STATUSES = ("draft", "awaiting_payment", "in_review", "refused", "awaiting_visit", "fulfilled", "cancelled")


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        Index("ix_applications_citizen_id_created_at", "citizen_id", "created_at"),
        Index("ix_applications_queue", "governorate", "due_at", postgresql_where="status = 'in_review'"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    citizen_id: Mapped[uuid.UUID]
    national_id: Mapped[str] = mapped_column(Text)
    governorate: Mapped[str] = mapped_column(Text)
    service_code: Mapped[str] = mapped_column(Text)
    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("definitions.id"))
    definition_version: Mapped[int]
    status: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    rules: Mapped[str | None] = mapped_column(Text)
    """passed / failed / referred, once submitted."""
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)
    """The decision's reasons (rules' explanations or the officer's), both languages."""
    channel: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(Text)
    quote_id: Mapped[str | None] = mapped_column(Text)
    quote_token: Mapped[str | None] = mapped_column(Text)
    quote_expires_at: Mapped[datetime | None]
    amount_piastres: Mapped[int | None]
    payment_id: Mapped[uuid.UUID | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    appeal: Mapped[bool] = mapped_column(default=False)
    appeal_deadline: Mapped[datetime | None]
    appeal_grounds: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    document_number: Mapped[str | None] = mapped_column(Text)
    tracking_number: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]

    @property
    def order_ref(self) -> str:
        return f"applications:{self.id}"


class Step(Base):
    """One step of an application's history, as the applicant (and an officer) sees it."""

    __tablename__ = "application_steps"
    __table_args__ = (Index("ix_application_steps_application_at", "application_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity())
    """The order steps happened in (several can share a moment)."""
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"))
    step: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime]
