"""Decisions: one row per change of a household's eligibility (the history)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base


class Decision(Base):
    """Eligible or excluded, why (reasons with the facts that triggered them), under which rules."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_household_id_decided_at", "household_id", "decided_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    eligible: Mapped[bool] = mapped_column()
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    reason_codes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    rule_set_id: Mapped[uuid.UUID] = mapped_column()
    rules_version: Mapped[str] = mapped_column(String(50))
    members_count: Mapped[int] = mapped_column()
    entitlement_piastres: Mapped[int] = mapped_column(BigInteger)
    override_appeal_id: Mapped[uuid.UUID | None] = mapped_column()
    override_until: Mapped[datetime | None] = mapped_column()
    trigger: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(Text)
    notified: Mapped[bool] = mapped_column()
    effective_from: Mapped[date] = mapped_column()
    appeal_deadline: Mapped[date | None] = mapped_column()
    decided_at: Mapped[datetime] = mapped_column()
    evidence_event_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), server_default="{}")
    """The signed events the reasons rest on (each reason's `evidence`): what its bundle exports."""


class EvaluationJob(Base):
    """Households to decide after an import committed, worked through in chunks by the service's
    worker (`ration.scheduler`): `next_seq` is the first target not yet evaluated, moved in the
    same transaction as each chunk's decisions, so a restart resumes and nothing runs twice."""

    __tablename__ = "evaluation_jobs"
    __table_args__ = (Index("ix_evaluation_jobs_pending", "created_at", postgresql_where=text("finished_at IS NULL")),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    import_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("imports.id"), unique=True)
    trigger: Mapped[str] = mapped_column(String(100))
    total: Mapped[int] = mapped_column(BigInteger)
    next_seq: Mapped[int] = mapped_column(BigInteger, server_default="0")
    evaluated: Mapped[int] = mapped_column(BigInteger, server_default="0")
    changed: Mapped[int] = mapped_column(BigInteger, server_default="0")
    notified: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column()


class EvaluationTarget(Base):
    """One household of a job, numbered 0..total-1 so chunks are ranges of `seq`."""

    __tablename__ = "evaluation_targets"

    job_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column()
