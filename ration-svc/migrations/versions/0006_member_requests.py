"""Member requests (إضافة مولود / حذف فرد): the holder asks to add a newborn or remove a member;
decided at once on the civil registry's records or by an officer; paid like a replacement card
where the catalogue charges a fee. One open request per person.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "ration"
STATUSES = "'in_review', 'awaiting_payment', 'completed', 'already_done', 'rejected', 'cancelled', 'failed'"


def upgrade() -> None:
    op.create_table(
        "member_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("holder_national_id", sa.String(length=14), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("findings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("registry_facts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("quote_id", sa.String(length=64), nullable=False),
        sa.Column("quote_token", sa.Text(), nullable=False),
        sa.Column("amount_piastres", sa.BigInteger(), nullable=False),
        sa.Column("fee_lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("quote_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("paid_piastres", sa.BigInteger(), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_payments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_payment_failure", sa.String(length=30), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("refund_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('add_newborn', 'remove_member')", name=op.f("ck_member_requests_kind")),
        sa.CheckConstraint(
            "(kind = 'add_newborn' AND reason = 'birth') OR "
            "(kind = 'remove_member' AND reason IN ('death', 'emigration', 'marriage'))",
            name=op.f("ck_member_requests_reason"),
        ),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_member_requests_status")),
        sa.ForeignKeyConstraint(
            ["household_id"], [f"{SCHEMA}.households.id"], name=op.f("fk_member_requests_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_requests")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_member_requests_household_created",
        "member_requests",
        ["household_id", sa.text("created_at DESC"), sa.text("id DESC")],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_member_requests_queue", "member_requests", ["governorate", "status", "created_at", "id"], schema=SCHEMA
    )
    op.create_index(
        "uq_member_requests_open_national_id",
        "member_requests",
        ["national_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('in_review', 'awaiting_payment')"),
    )


def downgrade() -> None:
    op.drop_table("member_requests", schema=SCHEMA)
