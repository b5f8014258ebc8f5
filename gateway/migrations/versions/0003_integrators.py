"""Integrators (OAuth2 client credentials), their token-signing keys, webhook subscriptions
and deliveries.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "gateway"
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "integrators",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("client_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False, comment="scrypt$N$r$p$salt$hash (base64)"),
        sa.Column("scopes", JSONB, nullable=False, comment="events:<type> to receive, publish:<type> to publish"),
        sa.Column("status", sa.Text, nullable=False, comment="active | disabled"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name="pk_integrators"),
        sa.UniqueConstraint("client_id", name="uq_integrators_client_id"),
        sa.CheckConstraint("status IN ('active', 'disabled')", name="ck_integrators_status"),
        schema=SCHEMA,
    )
    op.create_table(
        "integrator_signing_keys",
        sa.Column("kid", sa.Text, nullable=False),
        sa.Column("private_key", sa.LargeBinary, nullable=False, comment="raw 32-byte Ed25519 private key"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("kid", name="pk_integrator_signing_keys"),
        schema=SCHEMA,
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("integrator_id", sa.Uuid, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("event_types", JSONB, nullable=False),
        sa.Column("filter", JSONB, nullable=False, comment="top-level data field → allowed values"),
        sa.Column("secret", sa.Text, nullable=False, comment="whsec_<base64>: signs the deliveries"),
        sa.Column("status", sa.Text, nullable=False, comment="active | disabled"),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("failing_since", sa.DateTime(timezone=True), comment="first failure since the last success"),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
        sa.ForeignKeyConstraint(
            ["integrator_id"],
            [f"{SCHEMA}.integrators.id"],
            name="fk_webhook_subscriptions_integrator_id_integrators",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("status IN ('active', 'disabled')", name="ck_webhook_subscriptions_status"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_webhook_subscriptions_integrator",
        "webhook_subscriptions",
        ["integrator_id", "created_at", "id"],
        schema=SCHEMA,
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("subscription_id", sa.Uuid, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False, comment="webhook-id: receivers dedupe on it"),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False, comment="the event envelope as sent"),
        sa.Column("status", sa.Text, nullable=False, comment="pending | delivered | failed | held"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_status", sa.Integer, comment="the endpoint's HTTP status"),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            [f"{SCHEMA}.webhook_subscriptions.id"],
            name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_subscription_id_event_id"),
        sa.CheckConstraint("status IN ('pending', 'delivered', 'failed', 'held')", name="ck_webhook_deliveries_status"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_webhook_deliveries_subscription",
        "webhook_deliveries",
        ["subscription_id", "created_at", "id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries", schema=SCHEMA)
    op.drop_table("webhook_subscriptions", schema=SCHEMA)
    op.drop_table("integrator_signing_keys", schema=SCHEMA)
    op.drop_table("integrators", schema=SCHEMA)
