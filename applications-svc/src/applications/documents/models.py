"""Signed documents issued for approved applications: frozen content, Ed25519 signature."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from applications.models import Base


class Document(Base):
    __tablename__ = "documents"

    number: Mapped[str] = mapped_column(Text, primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB, comment="as signed; never changed")
    canonical: Mapped[bytes] = mapped_column(comment="the exact signed bytes (canonical JSON, UTF-8)")
    signature: Mapped[str]
    key_id: Mapped[str] = mapped_column(Text)
    verification_code: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    valid_until: Mapped[datetime | None]
