"""Where a service is live: one row per service and governorate (no row: not planned yet)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models import Base


class Rollout(Base):
    __tablename__ = "rollout"

    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), primary_key=True)
    governorate: Mapped[str] = mapped_column(Text, primary_key=True)
    live_from: Mapped[datetime | None]
    pilot: Mapped[bool] = mapped_column(default=False)
    suspended: Mapped[bool] = mapped_column(default=False)
    updated_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
