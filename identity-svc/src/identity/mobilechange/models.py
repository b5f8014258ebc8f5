from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class MobileChange(Base):
    """A request to change a citizen's mobile, kept as its audit trail whatever became of it.

    `self`: codes to the old and the new number; `office`: a clerk checked an ID document and
    the citizen read the new number's code at the desk.
    """

    __tablename__ = "mobile_changes"
    __table_args__ = (Index("ix_mobile_changes_citizen_id_created_at", "citizen_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    citizen_id: Mapped[uuid.UUID]
    channel: Mapped[Literal["self", "office"]] = mapped_column(String(10), comment="self, office")
    old_mobile: Mapped[str] = mapped_column(String(13), comment="E.164, the number when requested")
    new_mobile: Mapped[str] = mapped_column(String(13), comment="E.164")
    old_challenge_id: Mapped[uuid.UUID | None] = mapped_column(comment="null at an office (old SIM lost)")
    new_challenge_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(12), comment="pending, applied, locked, superseded")
    staff_id: Mapped[uuid.UUID | None]
    office_id: Mapped[str | None] = mapped_column(String(40))
    document_kind: Mapped[str | None] = mapped_column(String(20))
    document_number: Mapped[str | None] = mapped_column(String(40))
    document_expires_on: Mapped[date | None]
    reason: Mapped[str | None]
    client_key: Mapped[str | None] = mapped_column(String(64), comment="keyed hash of the client address")
    created_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]
