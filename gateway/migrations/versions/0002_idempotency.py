"""Idempotent POST requests and their stored answers.

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

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "idempotent_requests",
        sa.Column("caller", sa.Text, nullable=False, comment="token subject, or anon:<address>"),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False, comment="sha256 of method, path, query and body"),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, comment="null while the first request is in flight"),
        sa.Column("headers", JSONB),
        sa.Column("body", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "locked_until",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="a holder that crashed is replaced after this",
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "key", name="pk_idempotent_requests"),
        schema=SCHEMA,
    )
    op.create_index("ix_idempotent_requests_expires_at", "idempotent_requests", ["expires_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_idempotent_requests_expires_at", table_name="idempotent_requests", schema=SCHEMA)
    op.drop_table("idempotent_requests", schema=SCHEMA)
