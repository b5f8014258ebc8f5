"""Issued documents: frozen content, its Ed25519 detached signature, the verification code."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Sequence, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from notary.models import Base

NUMBER_SEQUENCE = Sequence("document_number_seq", metadata=Base.metadata)


class Document(Base):
    __tablename__ = "documents"

    number: Mapped[str] = mapped_column(String(50), primary_key=True)
    kind: Mapped[str] = mapped_column(comment="poa, birth, marriage, divorce")
    citizen_id: Mapped[uuid.UUID] = mapped_column(comment="who holds it")
    source_id: Mapped[uuid.UUID] = mapped_column(unique=True, comment="the power of attorney or certificate request")
    content: Mapped[dict[str, Any]] = mapped_column(JSONB, comment="as signed; never changed")
    canonical: Mapped[bytes] = mapped_column(comment="the exact signed bytes (canonical JSON, UTF-8)")
    content_sha256: Mapped[str]
    signature: Mapped[str] = mapped_column(comment="Ed25519 over `canonical`, base64url")
    key_id: Mapped[str]
    verification_code: Mapped[str]
    issued_at: Mapped[datetime]
    valid_until: Mapped[date | None]
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None]
