"""Mobile changes (their audit trail) and the office on access-log entries.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "identity"


def upgrade() -> None:
    op.create_table(
        "mobile_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("citizen_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False, comment="self, office"),
        sa.Column("old_mobile", sa.String(length=13), nullable=False, comment="E.164, the number when requested"),
        sa.Column("new_mobile", sa.String(length=13), nullable=False, comment="E.164"),
        sa.Column("old_challenge_id", sa.Uuid(), nullable=True, comment="null at an office (old SIM lost)"),
        sa.Column("new_challenge_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False, comment="pending, applied, locked, superseded"),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("office_id", sa.String(length=40), nullable=True),
        sa.Column("document_kind", sa.String(length=20), nullable=True),
        sa.Column("document_number", sa.String(length=40), nullable=True),
        sa.Column("document_expires_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=True, comment="keyed hash of the client address"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mobile_changes")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_mobile_changes_citizen_id_created_at",
        "mobile_changes",
        ["citizen_id", "created_at"],
        unique=False,
        schema=SCHEMA,
    )
    op.add_column(
        "access_log",
        sa.Column("office_id", sa.String(length=40), nullable=True, comment="where it was done (office staff)"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("access_log", "office_id", schema=SCHEMA)
    op.drop_index("ix_mobile_changes_citizen_id_created_at", table_name="mobile_changes", schema=SCHEMA)
    op.drop_table("mobile_changes", schema=SCHEMA)
