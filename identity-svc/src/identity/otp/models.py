from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.models import Base


class OtpChallenge(Base):
    """One code sent to one mobile for one purpose. Only its keyed hash is stored."""

    __tablename__ = "otp_challenges"
    __table_args__ = (
        Index("ix_otp_challenges_national_id_created_at", "national_id", "created_at"),
        Index("ix_otp_challenges_mobile_created_at", "mobile", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(12), comment="enrol, login, consent, mobile_change")
    national_id: Mapped[str] = mapped_column(String(14))
    mobile: Mapped[str | None] = mapped_column(String(13))
    citizen_id: Mapped[uuid.UUID | None]
    requested_by: Mapped[uuid.UUID | None] = mapped_column(comment="staff who asked (consent)")
    code_hash: Mapped[bytes | None] = mapped_column(LargeBinary, comment="null: nothing was sent")
    language: Mapped[str] = mapped_column(String(2), default="ar")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_sent_at: Mapped[datetime]
    sends: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="pending", comment="pending, verified, locked")
    verified_at: Mapped[datetime | None]
    locked_at: Mapped[datetime | None] = mapped_column(comment="too many wrong codes: no new code for a while")


class ThrottleHit(Base):
    """One counted request under a limit (keys are keyed hashes: no raw IDs, numbers or addresses)."""

    __tablename__ = "throttle_hits"
    __table_args__ = (
        Index("ix_throttle_hits_bucket_key_at", "bucket", "key", "at"),
        Index("ix_throttle_hits_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
