"""Bulk file imports from the governorates and the rows they rejected."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from ration.models import Base


class Import(Base):
    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("kind", "governorate", "checksum"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    governorate: Mapped[str] = mapped_column(String(2))
    checksum: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    rows_total: Mapped[int] = mapped_column(BigInteger)
    rows_accepted: Mapped[int] = mapped_column(BigInteger)
    rows_rejected: Mapped[int] = mapped_column(BigInteger)
    households_reevaluated: Mapped[int] = mapped_column(BigInteger)
    """Filled in by the evaluation job as it goes (final when `evaluation_status` is 'done')."""
    households_to_evaluate: Mapped[int] = mapped_column(BigInteger, server_default="0")
    evaluation_status: Mapped[str] = mapped_column(String(20), server_default="done")
    """'pending' until the evaluation job has decided every household the file concerns, then 'done'."""
    evaluated_at: Mapped[datetime | None] = mapped_column()
    imported_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ImportReject(Base):
    __tablename__ = "import_rejects"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id"), primary_key=True)
    line: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    field: Mapped[str] = mapped_column(String(50), primary_key=True)
    reason: Mapped[str] = mapped_column(String(50))
    value: Mapped[str | None] = mapped_column(Text)
