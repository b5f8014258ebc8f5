"""Issued quotes (immutable) and the keys that sign them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, LargeBinary, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models import Base
from contracts.fields import Channel, PaymentMethod


class Quote(Base):
    __tablename__ = "quotes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(Text, index=True)
    channel: Mapped[Channel] = mapped_column(Text)
    method: Mapped[PaymentMethod] = mapped_column(Text)
    governorate: Mapped[str | None] = mapped_column(Text)
    tariff_version: Mapped[int]
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    total_piastres: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    kid: Mapped[str] = mapped_column(Text)
    token: Mapped[str] = mapped_column(Text)
    order_ref: Mapped[str | None] = mapped_column(Text, comment="`<owner>:<order id>` for a quote a service asked for")
    citizen_id: Mapped[uuid.UUID | None] = mapped_column(comment="the citizen the order's quote is for")


class SigningKey(Base):
    __tablename__ = "signing_keys"
    __table_args__ = (
        Index("uq_signing_keys_active", text("(true)"), unique=True, postgresql_where=text("retired_at IS NULL")),
    )

    kid: Mapped[str] = mapped_column(Text, primary_key=True)
    private_pem: Mapped[bytes] = mapped_column(LargeBinary, comment="PKCS#8, encrypted with CATALOG_QUOTE_KEY_SECRET")
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
