"""Replacement-card orders (بدل تالف / بدل فاقد): a paid service, quoted by catalog-svc and paid
through payment-svc; at most one open order per card.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "ration"


def upgrade() -> None:
    op.create_table(
        "replacement_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("holder_national_id", sa.String(length=14), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("quote_id", sa.String(length=64), nullable=False),
        sa.Column("quote_token", sa.Text(), nullable=False),
        sa.Column("amount_piastres", sa.BigInteger(), nullable=False),
        sa.Column("fee_lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("quote_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_card_number", sa.String(length=20), nullable=False),
        sa.Column("old_invalidated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_card_number", sa.String(length=20), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("paid_piastres", sa.BigInteger(), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_payments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_payment_failure", sa.String(length=30), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("refund_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reason IN ('damaged', 'lost')", name=op.f("ck_replacement_orders_reason")),
        sa.CheckConstraint(
            "status IN ('awaiting_payment', 'issued', 'cancelled', 'failed')", name=op.f("ck_replacement_orders_status")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            [f"{SCHEMA}.households.id"],
            name=op.f("fk_replacement_orders_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replacement_orders")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_replacement_orders_household_created",
        "replacement_orders",
        ["household_id", sa.text("created_at DESC"), sa.text("id DESC")],
        schema=SCHEMA,
    )
    op.create_index(
        "uq_replacement_orders_open_per_card",
        "replacement_orders",
        ["household_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'awaiting_payment'"),
    )


def downgrade() -> None:
    op.drop_table("replacement_orders", schema=SCHEMA)
