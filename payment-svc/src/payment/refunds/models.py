from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from payment.models import Base


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    payment_id: Mapped[uuid.UUID]
    capture_id: Mapped[uuid.UUID]
    amount_piastres: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str]
    automatic: Mapped[bool]
    provider_refund_id: Mapped[str]
    requested_by: Mapped[str]
    idempotency_key: Mapped[str | None]
    created_at: Mapped[datetime]
