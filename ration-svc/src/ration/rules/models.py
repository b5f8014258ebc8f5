"""Versioned rule sets: thresholds, reason codes and explanations as data."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base


class RuleSet(Base):
    """draft → scheduled (effective_from set) → active (applied) → retired (superseded)."""

    __tablename__ = "rule_sets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    version: Mapped[str] = mapped_column(String(50), unique=True)
    status: Mapped[str] = mapped_column(String(20), server_default="draft", index=True)
    effective_from: Mapped[datetime | None] = mapped_column()
    subsidy_per_member_piastres: Mapped[int] = mapped_column(BigInteger)
    card_cap_piastres: Mapped[int] = mapped_column(BigInteger)
    appeal_window_days: Mapped[int] = mapped_column()
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    scheduled_by: Mapped[str | None] = mapped_column(String(100))
    applied_at: Mapped[datetime | None] = mapped_column()

    def as_data(self) -> dict[str, Any]:
        """What the evaluation query needs of a rule set."""
        return {
            "id": self.id,
            "version": self.version,
            "subsidy_per_member_piastres": self.subsidy_per_member_piastres,
            "card_cap_piastres": self.card_cap_piastres,
            "appeal_window_days": self.appeal_window_days,
            "rules": self.rules,
        }
