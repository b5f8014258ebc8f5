"""Appeals (تظلم) against an exclusion, decided by a ration officer of the governorate."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (
        Index("uq_appeals_open_decision_id", "decision_id", unique=True, postgresql_where=text("status = 'open'")),
        Index("ix_appeals_governorate_status_filed_at", "governorate", "status", "filed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"))
    governorate: Mapped[str] = mapped_column(String(2))
    filed_by: Mapped[str] = mapped_column(String(14))
    grounds: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), server_default="open")
    filed_at: Mapped[datetime] = mapped_column(server_default=func.now())
    deadline: Mapped[datetime] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column()
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    override_until: Mapped[datetime | None] = mapped_column()
