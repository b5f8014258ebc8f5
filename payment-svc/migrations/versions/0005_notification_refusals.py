"""Refused provider notifications: a bounded, hashed record instead of their bodies.

Refusals already stored in provider_notifications move over (the hash is of the text as it was
stored, at most 8,000 characters of the body) and leave that table.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "payment"


def upgrade() -> None:
    op.create_table(
        "provider_notification_refusals",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, comment="unsigned | stale | bad_signature"),
        sa.Column("body_sha256", sa.Text, nullable=False, comment="hex SHA-256 of the body as received"),
        sa.Column("body_bytes", sa.Integer, nullable=False),
        sa.Column(
            "source", sa.Text, nullable=True, comment="the address it came from (X-Forwarded-For at the gateway)"
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_provider_notification_refusals"),
        schema=SCHEMA,
    )
    op.execute(
        f"""
        INSERT INTO {SCHEMA}.provider_notification_refusals (provider, reason, body_sha256, body_bytes, received_at)
        SELECT provider, coalesce(reason, 'unsigned'), encode(sha256(convert_to(body, 'UTF8')), 'hex'),
               octet_length(body), received_at
        FROM {SCHEMA}.provider_notifications WHERE outcome = 'refused' ORDER BY id
        """
    )
    op.execute(f"DELETE FROM {SCHEMA}.provider_notifications WHERE outcome = 'refused'")


def downgrade() -> None:
    op.drop_table("provider_notification_refusals", schema=SCHEMA)
