from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from payment.models import Base


class SettlementFile(Base):
    __tablename__ = "settlement_files"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    provider: Mapped[str]
    sha256: Mapped[str]
    filename: Mapped[str | None]
    through: Mapped[datetime]
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB)
    imported_by: Mapped[str]
    imported_at: Mapped[datetime]


class SettlementLine(Base):
    __tablename__ = "settlement_lines"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    file_id: Mapped[uuid.UUID]
    line_no: Mapped[int | None]
    transaction_id: Mapped[str | None]
    amount_piastres: Mapped[int | None] = mapped_column(BigInteger)
    expected_piastres: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str]
    payment_id: Mapped[uuid.UUID | None]
    detail: Mapped[str | None]
