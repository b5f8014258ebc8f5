"""Decisions: one row per change of a household's eligibility (the history)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
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
