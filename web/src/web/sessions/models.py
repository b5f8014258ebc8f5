"""The `sessions` table: one browser's session, found by the hash of its cookie."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.models import Base


class WebSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_expires_at", "expires_at"),)

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    """SHA-256 of the cookie's value: a stolen table does not give working cookies."""
    csrf: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(10))
    """None before sign-in; "citizen" or "staff" after."""
    subject: Mapped[str | None] = mapped_column(String(100))
    display_name: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None]
    flow: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What a journey in progress remembers between pages (an enrolment's id, a draft's answers)."""
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
