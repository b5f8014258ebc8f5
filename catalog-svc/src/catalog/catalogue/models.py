"""The services the platform offers or will offer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from catalog.catalogue.schemas import Delivery, Family, ServiceStatus
from catalog.models import Base


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("status IN ('live', 'coming')", name="status"),
        CheckConstraint("delivery IN ('online_instant', 'online', 'office', 'post')", name="delivery"),
    )

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    family: Mapped[Family] = mapped_column(Text, index=True)
    name_ar: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    description_ar: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    entitlement: Mapped[bool]
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    delivery: Mapped[Delivery] = mapped_column(Text)
    processing_hours: Mapped[int]
    status: Mapped[ServiceStatus] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
