"""Integrators' NATS users (bcrypt hashes only) and the audit trail of integrator operations.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "gateway"
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "integrator_nats_users",
        sa.Column("integrator_id", sa.Uuid, nullable=False),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False, comment="bcrypt, as nats-server checks it"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("integrator_id", name="pk_integrator_nats_users"),
        sa.UniqueConstraint("username", name="uq_integrator_nats_users_username"),
        sa.ForeignKeyConstraint(
            ["integrator_id"],
            [f"{SCHEMA}.integrators.id"],
            name="fk_integrator_nats_users_integrator_id_integrators",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "integrator_audit",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("actor", sa.Text, nullable=False, comment="who ran it, e.g. cli:<os user>"),
        sa.Column("action", sa.Text, nullable=False, comment="e.g. integrator.created, nats.credentials_issued"),
        sa.Column("integrator_id", sa.Uuid, comment="null for platform-wide actions (nats.config_written)"),
        sa.Column("detail", JSONB, nullable=False, comment="what changed; never a secret"),
        sa.PrimaryKeyConstraint("id", name="pk_integrator_audit"),
        schema=SCHEMA,
    )
    op.create_index("ix_integrator_audit_integrator", "integrator_audit", ["integrator_id", "at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("integrator_audit", schema=SCHEMA)
    op.drop_table("integrator_nats_users", schema=SCHEMA)
