"""Payment intents, captures, refunds, provider notifications, the ledger, settlements.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "payment"
NOW = sa.func.now()


def _ts(name: str, *, nullable: bool = False, default: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=NOW if default else None)


_LEDGER_TRIGGERS = (
    f"""CREATE FUNCTION {SCHEMA}.ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE total bigint; n int;
    BEGIN
      SELECT coalesce(sum(amount_piastres), 0), count(*) INTO total, n
        FROM {SCHEMA}.ledger_lines WHERE entry_id = NEW.entry_id;
      IF total <> 0 OR n < 2 THEN
        RAISE EXCEPTION 'ledger entry % is not balanced (% piastres over % lines)', NEW.entry_id, total, n;
      END IF;
      RETURN NULL;
    END $$""",
    f"""CREATE CONSTRAINT TRIGGER ledger_lines_balanced AFTER INSERT OR UPDATE ON {SCHEMA}.ledger_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.ledger_entry_balanced()""",
    f"""CREATE FUNCTION {SCHEMA}.ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$""",
    f"""CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.ledger_lines
      FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.ledger_append_only()""",
    f"""CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.ledger_entries
      FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.ledger_append_only()""",
)
"""Double entry, enforced by the database at commit: every entry's lines sum to zero; and no
posted line is ever changed or removed (a correction is a new entry)."""


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("receipt_number_seq", schema=SCHEMA)))
    op.create_table(
        "payment_intents",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("owner_service", sa.Text, nullable=False),
        sa.Column("order_id", sa.Text, nullable=False),
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("governorate", sa.Text, nullable=True),
        sa.Column("tariff_version", sa.Integer, nullable=False),
        sa.Column("quote_id", sa.Uuid, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("amount_piastres", sa.BigInteger, nullable=False),
        sa.Column("lines", JSONB, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("failure_reason", sa.Text),
        sa.Column("provider_reference", sa.Text),
        sa.Column("next_action", JSONB),
        sa.Column("provider_txn", sa.Text),
        sa.Column("receipt_number", sa.Text),
        sa.Column("refunded_piastres", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("request_hash", sa.Text, nullable=False),
        _ts("expires_at"),
        _ts("created_at", default=True),
        _ts("updated_at", default=True),
        _ts("paid_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payment_intents"),
        sa.UniqueConstraint("citizen_id", "idempotency_key", name="uq_payment_intents_citizen_id_idempotency_key"),
        sa.UniqueConstraint("provider", "provider_reference", name="uq_payment_intents_provider_provider_reference"),
        sa.UniqueConstraint("receipt_number", name="uq_payment_intents_receipt_number"),
        sa.CheckConstraint("amount_piastres > 0", name="ck_payment_intents_amount_positive"),
        sa.CheckConstraint(
            "refunded_piastres >= 0 AND refunded_piastres <= amount_piastres",
            name="ck_payment_intents_refund_within_amount",
        ),
        sa.CheckConstraint(
            "status IN ('requires_payment','processing','succeeded','failed','expired','cancelled','refunded')",
            name="ck_payment_intents_status_known",
        ),
        schema=SCHEMA,
    )
    # One order is charged at most once: at most one intent per order that has not failed.
    op.create_index(
        "uq_payment_intents_live_order",
        "payment_intents",
        ["owner_service", "order_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("failure_reason IS NULL"),
    )
    op.create_index("ix_payment_intents_citizen", "payment_intents", ["citizen_id", "created_at", "id"], schema=SCHEMA)
    op.create_index(
        "ix_payment_intents_open_expiry",
        "payment_intents",
        ["expires_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('requires_payment','processing')"),
    )
    op.create_table(
        "payment_transitions",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("payment_id", sa.Uuid, nullable=False),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("actor", sa.Text, nullable=False),
        _ts("at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_payment_transitions"),
        sa.ForeignKeyConstraint(
            ["payment_id"], [f"{SCHEMA}.payment_intents.id"], name="fk_payment_transitions_payment_id_payment_intents"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_payment_transitions_payment_id", "payment_transitions", ["payment_id", "id"], schema=SCHEMA)
    op.create_table(
        "settlement_files",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("through", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", JSONB, nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        _ts("imported_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_settlement_files"),
        sa.UniqueConstraint("provider", "sha256", name="uq_settlement_files_provider_sha256"),
        schema=SCHEMA,
    )
    op.create_table(
        "captures",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("payment_id", sa.Uuid, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("transaction_id", sa.Text, nullable=False),
        sa.Column("amount_piastres", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
        _ts("captured_at"),
        sa.Column("settlement_file_id", sa.Uuid),
        sa.PrimaryKeyConstraint("id", name="pk_captures"),
        sa.UniqueConstraint("provider", "transaction_id", name="uq_captures_provider_transaction_id"),
        sa.ForeignKeyConstraint(
            ["payment_id"], [f"{SCHEMA}.payment_intents.id"], name="fk_captures_payment_id_payment_intents"
        ),
        sa.ForeignKeyConstraint(
            ["settlement_file_id"],
            [f"{SCHEMA}.settlement_files.id"],
            name="fk_captures_settlement_file_id_settlement_files",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_captures_payment_id", "captures", ["payment_id"], schema=SCHEMA)
    op.create_table(
        "refunds",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("payment_id", sa.Uuid, nullable=False),
        sa.Column("capture_id", sa.Uuid, nullable=False),
        sa.Column("amount_piastres", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("automatic", sa.Boolean, nullable=False),
        sa.Column("provider_refund_id", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.Text),
        _ts("created_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
        sa.UniqueConstraint("payment_id", "idempotency_key", name="uq_refunds_payment_id_idempotency_key"),
        sa.CheckConstraint("amount_piastres > 0", name="ck_refunds_amount_positive"),
        sa.ForeignKeyConstraint(
            ["payment_id"], [f"{SCHEMA}.payment_intents.id"], name="fk_refunds_payment_id_payment_intents"
        ),
        sa.ForeignKeyConstraint(["capture_id"], [f"{SCHEMA}.captures.id"], name="fk_refunds_capture_id_captures"),
        schema=SCHEMA,
    )
    op.create_table(
        "provider_notifications",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("notification_id", sa.Text),
        sa.Column("signature_valid", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("payment_id", sa.Uuid),
        sa.Column("body", sa.Text, nullable=False),
        _ts("received_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_provider_notifications"),
        schema=SCHEMA,
    )
    # Only authentic notifications claim their id (a forged one cannot block the real one).
    op.create_index(
        "uq_provider_notifications_authentic",
        "provider_notifications",
        ["provider", "notification_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("signature_valid"),
    )
    op.create_table(
        "settlement_lines",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("file_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer),
        sa.Column("transaction_id", sa.Text),
        sa.Column("amount_piastres", sa.BigInteger),
        sa.Column("expected_piastres", sa.BigInteger),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("payment_id", sa.Uuid),
        sa.Column("detail", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_settlement_lines"),
        sa.ForeignKeyConstraint(
            ["file_id"], [f"{SCHEMA}.settlement_files.id"], name="fk_settlement_lines_file_id_settlement_files"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_settlement_lines_file_id", "settlement_lines", ["file_id", "id"], schema=SCHEMA)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("payment_id", sa.Uuid),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("service_code", sa.Text),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("memo", sa.Text, nullable=False),
        _ts("created_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        # One entry per fact: a capture, a refund or a settled capture is posted once.
        sa.UniqueConstraint("kind", "reference", name="uq_ledger_entries_kind_reference"),
        schema=SCHEMA,
    )
    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("entry_id", sa.Uuid, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("amount_piastres", sa.BigInteger, nullable=False, comment="debit positive, credit negative"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_lines"),
        sa.CheckConstraint("amount_piastres <> 0", name="ck_ledger_lines_nonzero"),
        sa.ForeignKeyConstraint(
            ["entry_id"], [f"{SCHEMA}.ledger_entries.id"], name="fk_ledger_lines_entry_id_ledger_entries"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_ledger_lines_entry_id", "ledger_lines", ["entry_id"], schema=SCHEMA)
    op.create_index("ix_ledger_lines_account", "ledger_lines", ["account"], schema=SCHEMA)
    for statement in _LEDGER_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for statement in (
        f"DROP TRIGGER IF EXISTS ledger_entries_append_only ON {SCHEMA}.ledger_entries",
        f"DROP TRIGGER IF EXISTS ledger_lines_append_only ON {SCHEMA}.ledger_lines",
        f"DROP TRIGGER IF EXISTS ledger_lines_balanced ON {SCHEMA}.ledger_lines",
        f"DROP FUNCTION IF EXISTS {SCHEMA}.ledger_append_only()",
        f"DROP FUNCTION IF EXISTS {SCHEMA}.ledger_entry_balanced()",
    ):
        op.execute(statement)
    for table in (
        "ledger_lines",
        "ledger_entries",
        "settlement_lines",
        "provider_notifications",
        "refunds",
        "captures",
        "settlement_files",
        "payment_transitions",
        "payment_intents",
    ):
        op.drop_table(table, schema=SCHEMA)
    op.execute(sa.schema.DropSequence(sa.Sequence("receipt_number_seq", schema=SCHEMA)))
