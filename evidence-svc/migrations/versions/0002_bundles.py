"""The bundles table.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "evidence"


def upgrade() -> None:
    op.create_table(
        "bundles",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bundles"),
        schema=SCHEMA,
    )
    op.create_index("ix_bundles_citizen_id_created_at", "bundles", ["citizen_id", "created_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("bundles", schema=SCHEMA)
