from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class AccessEntry(Base):
    """Append-only and hash-chained: hash = SHA-256(previous hash ‖ this entry's canonical form)."""

    __tablename__ = "access_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    citizen_id: Mapped[uuid.UUID] = mapped_column(index=True)
    staff_id: Mapped[uuid.UUID]
    staff_username: Mapped[str] = mapped_column(String(64))
    staff_roles: Mapped[str]
    action: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None]
    office_id: Mapped[str | None] = mapped_column(String(40), comment="where it was done (office staff)")
    at: Mapped[datetime]
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary)
    hash: Mapped[bytes] = mapped_column(LargeBinary)
