"""Seals: each batch of consecutive entries, timestamped by the archive's own key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from evidence.models import Base


class Seal(Base):
    """A signed seal (its canonical JSON as signed); append-only like the entries."""

    __tablename__ = "seals"

    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_sequence: Mapped[int] = mapped_column(BigInteger)
    last_sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    document: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime]
