"""Member requests: the holder asks to add a newborn or to remove a member, a paid order like a
replacement card (`PaidOrder`) when the catalogue charges for it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base
from ration.orders.models import PaidOrder

OPEN = ("in_review", "awaiting_payment")


class MemberRequest(PaidOrder, Base):
    """in_review (an officer's queue) or awaiting_payment → completed; or already_done (a registry
    event made the change first), rejected, cancelled, failed. One open request per person."""

    __tablename__ = "member_requests"
    __table_args__ = (
        Index(
            "uq_member_requests_open_national_id",
            "national_id",
            unique=True,
            postgresql_where=text("status IN ('in_review', 'awaiting_payment')"),
        ),
        Index("ix_member_requests_household_created", "household_id", text("created_at DESC"), text("id DESC")),
        Index("ix_member_requests_queue", "governorate", "status", "created_at", "id"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    national_id: Mapped[str] = mapped_column(String(14))
    holder_national_id: Mapped[str] = mapped_column(String(14))
    note: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[list[str]] = mapped_column(JSONB)
    registry_facts: Mapped[dict[str, Any]] = mapped_column(JSONB)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
