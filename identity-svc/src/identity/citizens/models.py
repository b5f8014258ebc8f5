from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class Citizen(Base):
    """An enrolled citizen: one national ID, one mobile, each used by one account only."""

    __tablename__ = "citizens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    national_id: Mapped[str] = mapped_column(String(14), unique=True)
    mobile: Mapped[str] = mapped_column(String(13), unique=True, comment="E.164")
    status: Mapped[str] = mapped_column(String(10), default="active")
    language: Mapped[str] = mapped_column(String(2), default="ar")
    channel: Mapped[str] = mapped_column(String(12))
    enrolled_at: Mapped[datetime]
    mobile_changed_at: Mapped[datetime | None]
