from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class AccessGrant(Base):
    """Time-limited access of one staff member to one citizen, given by the citizen's consent code."""

    __tablename__ = "access_grants"
    __table_args__ = (Index("ix_access_grants_staff_id_citizen_id", "staff_id", "citizen_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    citizen_id: Mapped[uuid.UUID]
    staff_id: Mapped[uuid.UUID]
    consent_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    reason: Mapped[str]
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
