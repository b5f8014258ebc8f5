from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class StaffMember(Base):
    __tablename__ = "staff"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str]
    password_hash: Mapped[str] = mapped_column(Text, comment="scrypt$n$r$p$salt$hash")
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    office_id: Mapped[str | None] = mapped_column(String(40))
    governorate: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(default=True)
    last_signed_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class SignInFailure(Base):
    """One wrong password (or unknown username): what slows the next guesses down."""

    __tablename__ = "staff_sign_in_failures"
    __table_args__ = (
        Index("ix_staff_sign_in_failures_username_at", "username", "at"),
        Index("ix_staff_sign_in_failures_address_key_at", "address_key", "at"),
        Index("ix_staff_sign_in_failures_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), comment="as typed, lower-cased")
    address_key: Mapped[str] = mapped_column(String(64), comment="keyed hash of the client address")
    at: Mapped[datetime]


class KnownAddress(Base):
    """An address a staff member signed in from: strangers' guesses elsewhere never slow them down here."""

    __tablename__ = "staff_known_addresses"

    staff_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True, comment="keyed hash")
    last_signed_in_at: Mapped[datetime]


class StaffAudit(Base):
    """What administrators did to staff accounts (e.g. clearing sign-in delays), with why."""

    __tablename__ = "staff_audit"
    __table_args__ = (Index("ix_staff_audit_at_id", "at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID]
    actor_username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target_username: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
