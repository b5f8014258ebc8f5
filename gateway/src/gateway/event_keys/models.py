from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import Base


class EventKey(Base):
    """An integrator's public event-signing key (Ed25519); its producer and types come from the
    integrator (its source, its publish: scopes), read when the key is used, never copied here."""

    __tablename__ = "integrator_event_keys"
    __table_args__ = (Index("ix_integrator_event_keys_integrator", "integrator_id", "created_at", "kid"),)

    kid: Mapped[str] = mapped_column(
        Text, primary_key=True, comment="unique across integrators: consumers look keys up by it"
    )
    integrator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrators.id", ondelete="CASCADE"))
    x: Mapped[str] = mapped_column(Text, unique=True, comment="the 32-byte public key, base64url")
    jwks_url: Mapped[str | None] = mapped_column(Text, comment="fetched from the integrator's JWKS URL; null: uploaded")
    status: Mapped[str] = mapped_column(
        Text, comment="active | retired (gone from its JWKS URL: verifies what it signed, signs nothing new) | revoked"
    )
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(Text, comment="integrator:<client id> or staff:<id>")
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class JwksUrl(Base):
    """Where an integrator publishes its keys; fetched at registration and again (at most once a
    minute) when an event names a key the gateway has not seen."""

    __tablename__ = "integrator_jwks_urls"

    integrator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrators.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    created_at: Mapped[datetime]
