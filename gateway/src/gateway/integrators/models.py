from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import Base


class Integrator(Base):
    """A ministry, bank or authority calling the platform with OAuth2 client credentials."""

    __tablename__ = "integrators"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(
        Text, unique=True, comment="the CloudEvent source of its events: the producer its signing keys sign for"
    )
    secret_hash: Mapped[str] = mapped_column(Text, comment="scrypt$N$r$p$salt$hash (base64)")
    scopes: Mapped[list[str]] = mapped_column(JSONB, comment="events:<type> to receive, publish:<type> to publish")
    status: Mapped[str] = mapped_column(Text, comment="active | disabled")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SigningKey(Base):
    """An Ed25519 key the gateway signs integrator tokens with (its public half is in the JWKS)."""

    __tablename__ = "integrator_signing_keys"

    kid: Mapped[str] = mapped_column(Text, primary_key=True)
    private_key: Mapped[bytes] = mapped_column(
        LargeBinary, comment="Ed25519 private key, sealed (kit.sealing, bound to kid)"
    )
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None] = mapped_column(comment="no longer signs; still verifies until tokens expire")


class NatsUser(Base):
    """An integrator's user on the platform's NATS (its own account); the password is never stored."""

    __tablename__ = "integrator_nats_users"

    integrator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Integrator.id, ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text, comment="bcrypt, as nats-server checks it")
    created_at: Mapped[datetime]
    rotated_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what to an integrator (or to the NATS accounts file), and when; never a secret."""

    __tablename__ = "integrator_audit"
    __table_args__ = (Index("ix_integrator_audit_integrator", "integrator_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    integrator_id: Mapped[uuid.UUID | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB)
