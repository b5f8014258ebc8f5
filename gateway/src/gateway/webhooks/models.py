from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import Base


class Subscription(Base):
    """An integrator's endpoint for some event types, with an equality filter on the event data."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    integrator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrators.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    event_types: Mapped[list[str]] = mapped_column(JSONB)
    filter: Mapped[dict[str, Any]] = mapped_column(JSONB, comment="top-level data field → allowed values")
    secret: Mapped[str] = mapped_column(Text, comment="whsec_<base64>, sealed (kit.sealing): signs the deliveries")
    previous_secret: Mapped[str | None] = mapped_column(Text, comment="the secret before the last rotation, sealed")
    previous_secret_until: Mapped[datetime | None] = mapped_column(
        comment="deliveries carry its signature too until then"
    )
    status: Mapped[str] = mapped_column(Text, comment="active | disabled")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None] = mapped_column(comment="first failure since the last success")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_webhook_subscriptions_integrator", "integrator_id", "created_at", "id"),)


class Delivery(Base):
    """One event for one subscription: retried until delivered, given up, or replayed."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID] = mapped_column(comment="webhook-id: receivers dedupe on it")
    event_type: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column(LargeBinary, comment="the event envelope as sent")
    status: Mapped[str] = mapped_column(Text, comment="pending | delivered | failed | held")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(comment="the endpoint's HTTP status")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "created_at", "id"),
        Index("ix_webhook_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    )
