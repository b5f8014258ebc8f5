"""Definitions of services as data, one row per version, and their audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Identity, Index, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from applications.models import Base


class Definition(Base):
    __tablename__ = "definitions"
    __table_args__ = (
        UniqueConstraint("service_code", "version", name="service_version"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status"),
        Index("ix_definitions_one_published", "service_code", unique=True, postgresql_where="status = 'published'"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(Text, index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]


class DefinitionAudit(Base):
    __tablename__ = "definition_audit"
    __table_args__ = (Index("ix_definition_audit_definition_at", "definition_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity())
    """The order entries were written in (several can share a moment)."""
    definition_id: Mapped[uuid.UUID]
    service_code: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime]
