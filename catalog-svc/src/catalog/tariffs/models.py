"""Published tariffs: immutable versions, each in force from its effective date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models import Base
from contracts.fields import Channel, PaymentMethod


class Tariff(Base):
    __tablename__ = "tariffs"

    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[datetime]
    channels: Mapped[list[Channel]] = mapped_column(JSONB)
    methods: Mapped[list[PaymentMethod]] = mapped_column(JSONB)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    """Rows {code, amount_piastres, channel|null, method|null}; matching rows of one code add up."""
    published_by: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(server_default=func.now())
    reason: Mapped[str] = mapped_column(Text)
