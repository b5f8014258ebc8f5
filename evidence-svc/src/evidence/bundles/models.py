"""The `bundles` table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from evidence.models import Base


class Bundle(Base):
    __tablename__ = "bundles"
    __table_args__ = (Index("ix_bundles_citizen_id_created_at", "citizen_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    citizen_id: Mapped[uuid.UUID]
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
