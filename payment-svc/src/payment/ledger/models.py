from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Identity
from sqlalchemy.orm import Mapped, mapped_column

from payment.models import Base


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str]
    payment_id: Mapped[uuid.UUID | None]
    provider: Mapped[str]
    service_code: Mapped[str | None]
    reference: Mapped[str]
    memo: Mapped[str]
    created_at: Mapped[datetime]


class LedgerLine(Base):
    __tablename__ = "ledger_lines"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    entry_id: Mapped[uuid.UUID]
    account: Mapped[str]
    amount_piastres: Mapped[int] = mapped_column(BigInteger)
