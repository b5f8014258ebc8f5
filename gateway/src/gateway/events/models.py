from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import Base


class ReceivedEvent(Base):
    """An event an integrator published over HTTP: its id is taken once (a repeat is a duplicate,
    however late), and it went to the outbox in the same transaction."""

    __tablename__ = "received_events"
    __table_args__ = (Index("ix_received_events_integrator", "integrator_id", "received_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, comment="the CloudEvent id: Nats-Msg-Id on publish")
    type: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    integrator_id: Mapped[uuid.UUID]
    received_at: Mapped[datetime]
    signature: Mapped[str | None] = mapped_column(
        Text, comment="the integrator's signature: the same id signed otherwise again is refused, not a duplicate"
    )
