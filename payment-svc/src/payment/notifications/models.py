from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Identity
from sqlalchemy.orm import Mapped, mapped_column

from payment.models import Base


class ProviderNotification(Base):
    """Every notification a provider posted, authentic or not, and what became of it."""

    __tablename__ = "provider_notifications"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    provider: Mapped[str]
    notification_id: Mapped[str | None]
    signature_valid: Mapped[bool]
    outcome: Mapped[str]
    reason: Mapped[str | None]
    payment_id: Mapped[uuid.UUID | None]
    body: Mapped[str]
    received_at: Mapped[datetime]
