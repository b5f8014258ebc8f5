from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Identity
from sqlalchemy.orm import Mapped, mapped_column

from payment.models import Base


class ProviderNotification(Base):
    """Every authentic notification a provider posted (and a signed one that was malformed), and
    what became of it. Refused ones are not kept here: see NotificationRefusal."""

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


class NotificationRefusal(Base):
    """A notification refused before it was trusted (unsigned, stale, a wrong signature): what
    is needed to investigate it, not its body, which anyone could make 64 KiB of anything.
    Only the newest `notification_refusals_kept` are kept."""

    __tablename__ = "provider_notification_refusals"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    provider: Mapped[str]
    reason: Mapped[str] = mapped_column(comment="unsigned | stale | bad_signature")
    body_sha256: Mapped[str] = mapped_column(comment="hex SHA-256 of the body as received")
    body_bytes: Mapped[int]
    source: Mapped[str | None] = mapped_column(comment="the address it came from (X-Forwarded-For at the gateway)")
    received_at: Mapped[datetime]
