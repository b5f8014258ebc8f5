"""Alembic for every service: the body of `migrations/env.py`, programmatic upgrade, and
the DDL of the messaging tables as frozen, versioned migration steps."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


def run_env(*, metadata: MetaData, default_url: str) -> None:
    """Run migrations for `metadata` (one schema). The URL comes from alembic's
    `sqlalchemy.url` when set programmatically, else from the service settings."""
    url = context.config.get_main_option("sqlalchemy.url") or default_url
    schema = metadata.schema or "public"
    if context.is_offline_mode():
        context.configure(
            url=url, target_metadata=metadata, literal_binds=True, version_table_schema=schema, include_schemas=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata, schema))


async def _run_online(url: str, metadata: MetaData, schema: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            await conn.commit()
            await conn.run_sync(_configure_and_run, metadata, schema)
    finally:
        await engine.dispose()


def _configure_and_run(conn: Connection, metadata: MetaData, schema: str) -> None:
    context.configure(
        connection=conn,
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=lambda name, type_, _parent: type_ != "schema" or name == schema,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def alembic_config(service_dir: Path, database_url: str) -> Config:
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url)
    return cfg


def upgrade(service_dir: Path, database_url: str, revision: str = "head") -> None:
    """Migrate a service's database (blocking; safe to call from inside an event loop's thread
    only through `upgrade_async`)."""
    command.upgrade(alembic_config(service_dir, database_url), revision)


async def upgrade_async(service_dir: Path, database_url: str, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, service_dir, database_url, revision)


def create_messaging_tables_v1(schema: str) -> None:
    """The outbox and inbox as first created (matches `kit.messaging.tables`).
    A later change to those tables gets its own `..._v2` step, never an edit here."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("id", sa.Uuid, nullable=False, comment="event id; Nats-Msg-Id on publish"),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("aggregate_id", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False, comment="the envelope as JSON bytes"),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sa.UniqueConstraint("id", name="uq_outbox_id"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_pending", "outbox", ["seq"], schema=schema, postgresql_where=sa.text("published_at IS NULL")
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
        schema=schema,
    )


def drop_messaging_tables_v1(schema: str) -> None:
    op.drop_table("inbox", schema=schema)
    op.drop_index("ix_outbox_pending", table_name="outbox", schema=schema)
    op.drop_table("outbox", schema=schema)


def create_dead_letter_replays_v1(schema: str) -> None:
    """The audit of dead letters replayed by operators (matches `kit.messaging.tables`)."""
    op.create_table(
        "dead_letter_replays",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("consumer", sa.Text, nullable=False, comment="the durable consumer that gave up on the event"),
        sa.Column("dead_letter_seq", sa.BigInteger, nullable=False, comment="its sequence in the DEADLETTER stream"),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("event_id", sa.Uuid),
        sa.Column("outcome", sa.Text, nullable=False, comment="applied | duplicate | failed"),
        sa.Column("error", sa.Text, comment="why it failed again (operators only)"),
        sa.Column("replayed_by", sa.Text, nullable=False, comment="the staff account that replayed it"),
        sa.Column("request_id", sa.Text),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_dead_letter_replays"),
        schema=schema,
    )
    op.create_index("ix_dead_letter_replays_dead_letter_seq", "dead_letter_replays", ["dead_letter_seq"], schema=schema)


def drop_dead_letter_replays_v1(schema: str) -> None:
    op.drop_index("ix_dead_letter_replays_dead_letter_seq", table_name="dead_letter_replays", schema=schema)
    op.drop_table("dead_letter_replays", schema=schema)


def add_inbox_signature_v1(schema: str) -> None:
    """The inbox remembers each event's signature, so the same id signed otherwise is a replay."""
    op.add_column(
        "inbox",
        sa.Column("signature", sa.Text, comment="the event's signature: the same id signed otherwise is a replay"),
        schema=schema,
    )


def drop_inbox_signature_v1(schema: str) -> None:
    op.drop_column("inbox", "signature", schema=schema)
