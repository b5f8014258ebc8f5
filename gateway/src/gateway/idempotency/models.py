from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, Text, false
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import Base


class IdempotentRequest(Base):
    """One (caller, key): who holds it, what was asked, and once answered, the answer."""

    __tablename__ = "idempotent_requests"

    caller: Mapped[str] = mapped_column(Text, primary_key=True, comment="token subject, or anon:<address>")
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(Text, comment="sha256 of method, path, query and body")
    method: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(comment="null while the first request is in flight")
    headers: Mapped[list[list[str]] | None] = mapped_column(JSONB, comment="null once sealed (in body)")
    body: Mapped[bytes | None] = mapped_column(LargeBinary, comment="the answer's headers and body, sealed")
    sealed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    locked_until: Mapped[datetime] = mapped_column(comment="a holder that crashed is replaced after this")
    expires_at: Mapped[datetime]
