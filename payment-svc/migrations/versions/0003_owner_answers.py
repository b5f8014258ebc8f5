"""The owning service's answer to each succeeded payment (applied or refused), and what the
answer sweep needs: when it was announced, by when the owner must answer, when to look again.

Payments that succeeded before answers existed are looked at by the sweep at once: it asks their
owners, who answer `applied` where the order has that payment and `refused` where it does not
(a payment stranded by a dead-lettered announcement is refunded that way).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "payment"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    columns = (
        sa.Column("owner_answer", sa.Text, comment="applied | refused (null: not answered)"),
        sa.Column("owner_reason", sa.Text, comment="why the owner refused"),
        sa.Column("answered_at", TS),
        sa.Column("answer_by", TS, comment="unanswered past this (and a grace): refunded"),
        sa.Column("announcements", sa.Integer, nullable=False, server_default="0"),
        sa.Column("answer_check_at", TS, comment="when the sweep next looks (null: nothing to do)"),
    )
    for column in columns:
        op.add_column("payment_intents", column, schema=SCHEMA)
    op.create_check_constraint(
        "ck_payment_intents_owner_answer_known",
        "payment_intents",
        "owner_answer IS NULL OR owner_answer IN ('applied', 'refused')",
        schema=SCHEMA,
    )
    op.create_index(
        "ix_payment_intents_answer_check",
        "payment_intents",
        ["answer_check_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("answer_check_at IS NOT NULL"),
    )
    op.execute(
        f"UPDATE {SCHEMA}.payment_intents SET announcements = 1, answer_check_at = now() WHERE status = 'succeeded'"
    )


def downgrade() -> None:
    op.drop_index("ix_payment_intents_answer_check", table_name="payment_intents", schema=SCHEMA)
    op.drop_constraint("ck_payment_intents_owner_answer_known", "payment_intents", schema=SCHEMA)
    for name in ("answer_check_at", "announcements", "answer_by", "answered_at", "owner_reason", "owner_answer"):
        op.drop_column("payment_intents", name, schema=SCHEMA)
