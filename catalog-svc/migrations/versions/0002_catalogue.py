"""The catalogue: services, tariff versions, roll-out, issued quotes, signing keys, audit trail.

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

SCHEMA = "catalog"
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "services",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("family", sa.Text, nullable=False),
        sa.Column("name_ar", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("description_ar", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("entitlement", sa.Boolean, nullable=False),
        sa.Column("requirements", JSONB, nullable=False),
        sa.Column("delivery", sa.Text, nullable=False),
        sa.Column("processing_hours", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("code", name="pk_services"),
        sa.CheckConstraint("status IN ('live', 'coming')", name="ck_services_status"),
        sa.CheckConstraint("delivery IN ('online_instant', 'online', 'office', 'post')", name="ck_services_delivery"),
        schema=SCHEMA,
    )
    op.create_index("ix_services_family", "services", ["family"], schema=SCHEMA)
    op.create_table(
        "tariffs",
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("effective_from", TZ, nullable=False),
        sa.Column("channels", JSONB, nullable=False),
        sa.Column("methods", JSONB, nullable=False),
        sa.Column("components", JSONB, nullable=False),
        sa.Column("published_by", sa.Text, nullable=False),
        sa.Column("published_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("service_code", "version", name="pk_tariffs"),
        sa.ForeignKeyConstraint(["service_code"], [f"{SCHEMA}.services.code"], name="fk_tariffs_service_code_services"),
        schema=SCHEMA,
    )
    op.create_table(
        "rollout",
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("governorate", sa.Text, nullable=False),
        sa.Column("live_from", TZ),
        sa.Column("pilot", sa.Boolean, nullable=False),
        sa.Column("suspended", sa.Boolean, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("service_code", "governorate", name="pk_rollout"),
        sa.ForeignKeyConstraint(["service_code"], [f"{SCHEMA}.services.code"], name="fk_rollout_service_code_services"),
        schema=SCHEMA,
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("governorate", sa.Text),
        sa.Column("tariff_version", sa.Integer, nullable=False),
        sa.Column("lines", JSONB, nullable=False),
        sa.Column("total_piastres", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("kid", sa.Text, nullable=False),
        sa.Column("token", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quotes"),
        schema=SCHEMA,
    )
    op.create_index("ix_quotes_service_code", "quotes", ["service_code"], schema=SCHEMA)
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.Text, nullable=False),
        sa.Column(
            "private_pem", sa.LargeBinary, nullable=False, comment="PKCS#8, encrypted with CATALOG_QUOTE_KEY_SECRET"
        ),
        sa.Column("public_jwk", JSONB, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("retired_at", TZ),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_signing_keys_active",
        "signing_keys",
        [sa.text("(true)")],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("retired_at IS NULL"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_kind", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("request_id", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        schema=SCHEMA,
    )
    op.create_index("ix_audit_log_service_code_at", "audit_log", ["service_code", "at"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("audit_log", "signing_keys", "quotes", "rollout", "tariffs", "services"):
        op.drop_table(table, schema=SCHEMA)
