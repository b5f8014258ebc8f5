"""The archive: every event that crossed an authority boundary, append-only, hash-chained."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from evidence.models import Base


class ArchivedEvent(Base):
    """One entry. UPDATE and DELETE are refused by a trigger, but retention's purge of the
    content (`event_json` to NULL), which keeps the hashes so the chain still holds."""

    __tablename__ = "archived_events"
    __table_args__ = (
        Index("ix_archived_events_subject", "subject"),
        Index("ix_archived_events_event_time", "event_time"),
        Index("ix_archived_events_refs", "refs", postgresql_using="gin"),
    )

    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    event_time: Mapped[datetime]
    received_at: Mapped[datetime]
    event_json: Mapped[str | None] = mapped_column(Text)
    """The signed CloudEvent as it travelled (its JSON object); NULL once retention purged it."""
    refs: Mapped[list[str]] = mapped_column(ARRAY(String(200)))
    """Who and what the event names (its subject, ids, national ids): how a case, a household
    or a person finds its events."""
    leaf: Mapped[str] = mapped_column(String(64))
    previous: Mapped[str] = mapped_column(String(64))
    chain: Mapped[str] = mapped_column(String(64))
    purged_at: Mapped[datetime | None]


class ProducerKey(Base):
    """A producer's public key as the archive last fetched it (for the bundles it exports)."""

    __tablename__ = "producer_keys"

    kid: Mapped[str] = mapped_column(String(200), primary_key=True)
    jwk: Mapped[dict[str, object]] = mapped_column(JSONB)
    fetched_at: Mapped[datetime]
