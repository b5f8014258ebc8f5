"""The archive (hash-chained entries), its seals and the producers' keys; append-only by trigger.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "evidence"


def upgrade() -> None:
    op.create_table(
        "archived_events",
        sa.Column("sequence", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_json", sa.Text, nullable=True),
        sa.Column("refs", ARRAY(sa.String(200)), nullable=False),
        sa.Column("leaf", sa.String(64), nullable=False),
        sa.Column("previous", sa.String(64), nullable=False),
        sa.Column("chain", sa.String(64), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sequence", name="pk_archived_events"),
        sa.UniqueConstraint("event_id", name="uq_archived_events_event_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_archived_events_subject", "archived_events", ["subject"], schema=SCHEMA)
    op.create_index("ix_archived_events_event_time", "archived_events", ["event_time"], schema=SCHEMA)
    op.create_index("ix_archived_events_refs", "archived_events", ["refs"], schema=SCHEMA, postgresql_using="gin")
    op.create_table(
        "seals",
        sa.Column("number", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("first_sequence", sa.BigInteger, nullable=False),
        sa.Column("last_sequence", sa.BigInteger, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_seals"),
        sa.UniqueConstraint("last_sequence", name="uq_seals_last_sequence"),
        schema=SCHEMA,
    )
    op.create_table(
        "producer_keys",
        sa.Column("kid", sa.String(200), nullable=False),
        sa.Column("jwk", JSONB, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kid", name="pk_producer_keys"),
        schema=SCHEMA,
    )
    # Entries: no DELETE or TRUNCATE ever; an UPDATE only as retention's purge (inside a
    # transaction that set evidence.purge), which empties the content and keeps every hash.
    statements = [
        f"""CREATE FUNCTION {SCHEMA}.archived_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND current_setting('evidence.purge', true) = 'on'
               AND NEW.event_json IS NULL AND NEW.purged_at IS NOT NULL
               AND (NEW.sequence, NEW.event_id, NEW.leaf, NEW.previous, NEW.chain)
                   = (OLD.sequence, OLD.event_id, OLD.leaf, OLD.previous, OLD.chain) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the evidence archive is append-only (% refused)', TG_OP;
        END $$""",
        f"""CREATE TRIGGER archived_events_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.archived_events
            FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.archived_events_append_only()""",
        f"""CREATE TRIGGER archived_events_no_truncate BEFORE TRUNCATE ON {SCHEMA}.archived_events
            FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.archived_events_append_only()""",
        f"""CREATE FUNCTION {SCHEMA}.seals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'seals are append-only (% refused)', TG_OP;
        END $$""",
        f"""CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {SCHEMA}.seals
            FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.seals_append_only()""",
    ]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    op.execute(f"DROP TRIGGER seals_append_only ON {SCHEMA}.seals")
    op.execute(f"DROP FUNCTION {SCHEMA}.seals_append_only()")
    op.execute(f"DROP TRIGGER archived_events_no_truncate ON {SCHEMA}.archived_events")
    op.execute(f"DROP TRIGGER archived_events_append_only ON {SCHEMA}.archived_events")
    op.execute(f"DROP FUNCTION {SCHEMA}.archived_events_append_only()")
    op.drop_table("producer_keys", schema=SCHEMA)
    op.drop_table("seals", schema=SCHEMA)
    op.drop_table("archived_events", schema=SCHEMA)
