from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class OutgoingSms(Base):
    """A notification SMS accepted for sending; kept until a provider took it."""

    __tablename__ = "outgoing_sms"
    __table_args__ = (Index("ix_outgoing_sms_pending", "next_attempt_at", postgresql_where=text("sent_at IS NULL")),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(index=True)
    mobile: Mapped[str] = mapped_column(String(13))
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[str]
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None]
