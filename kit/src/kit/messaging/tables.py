"""The outbox, inbox and dead-letter replay tables every service has in its own schema."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table
    replays: Table
    """The audit of dead letters replayed by operators (kit.messaging.deadletters)."""


def qualified(table: Table) -> str:
    """The table's name for hand-written SQL: `"schema"."name"`."""
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """Declare `outbox`, `inbox` and `dead_letter_replays` on a service's metadata (idempotent
    per metadata)."""
    schema = metadata.schema
    key = f"{schema}.outbox" if schema else "outbox"
    if key in metadata.tables:
        return MessagingTables(
            metadata.tables[key],
            metadata.tables[key.replace("outbox", "inbox")],
            metadata.tables[key.replace("outbox", "dead_letter_replays")],
        )
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", BigInteger, Identity(always=True), primary_key=True),
        Column("id", Uuid, nullable=False, unique=True, comment="event id; Nats-Msg-Id on publish"),
        Column("subject", Text, nullable=False),
        Column("aggregate_id", Text, nullable=False),
        Column("payload", LargeBinary, nullable=False, comment="the envelope as JSON bytes"),
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("ix_outbox_pending", "seq", postgresql_where=text("published_at IS NULL")),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("subject", Text, nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("signature", Text, comment="the event's signature: the same id signed otherwise is a replay"),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    replays = Table(
        "dead_letter_replays",
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("consumer", Text, nullable=False, comment="the durable consumer that gave up on the event"),
        Column("dead_letter_seq", BigInteger, nullable=False, comment="its sequence in the DEADLETTER stream"),
        Column("subject", Text, nullable=False),
        Column("event_id", Uuid),
        Column("outcome", Text, nullable=False, comment="applied | duplicate | failed"),
        Column("error", Text, comment="why it failed again (operators only)"),
        Column("replayed_by", Text, nullable=False, comment="the staff account that replayed it"),
        Column("request_id", Text),
        Column("replayed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_dead_letter_replays_dead_letter_seq", "dead_letter_seq"),
    )
    return MessagingTables(outbox, inbox, replays)
