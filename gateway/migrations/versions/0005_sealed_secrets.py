"""Integrator token-signing keys and webhook secrets are stored sealed (kit.sealing) from now on.

Rows written before stay readable as they were (a raw 32-byte key, a plain `whsec_` secret):
rotate the signing key (`python -m gateway.integrators rotate-key`) and re-create webhook
subscriptions to seal them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.alter_column(
        "integrator_signing_keys",
        "private_key",
        existing_type=sa.LargeBinary(),
        comment="Ed25519 private key, sealed (kit.sealing)",
        existing_comment="raw 32-byte Ed25519 private key",
        schema=SCHEMA,
    )
    op.alter_column(
        "webhook_subscriptions",
        "secret",
        existing_type=sa.Text(),
        comment="whsec_<base64>, sealed (kit.sealing): signs the deliveries",
        existing_comment="whsec_<base64>: signs the deliveries",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.alter_column(
        "webhook_subscriptions",
        "secret",
        existing_type=sa.Text(),
        comment="whsec_<base64>: signs the deliveries",
        schema=SCHEMA,
    )
    op.alter_column(
        "integrator_signing_keys",
        "private_key",
        existing_type=sa.LargeBinary(),
        comment="raw 32-byte Ed25519 private key",
        schema=SCHEMA,
    )
