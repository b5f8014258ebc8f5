"""Idempotency-Key answers are stored sealed (kit.sealing), never in clear.

An answer carries whatever the service answered: a sign-in's access and refresh tokens, a
webhook subscription's signing secret. From now on its headers and body are one sealed value
in `body` (`headers` null, `sealed` true). Rows an older gateway answered in clear are sealed
by the gateway (it holds the key; a migration does not) when replayed and by its periodic pass.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.add_column(
        "idempotent_requests",
        sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )
    op.alter_column(
        "idempotent_requests", "headers", existing_type=JSONB(),
        comment="null once sealed (in body)", schema=SCHEMA,
    )  # fmt: skip
    op.alter_column(
        "idempotent_requests", "body", existing_type=sa.LargeBinary(),
        comment="the answer's headers and body, sealed", schema=SCHEMA,
    )  # fmt: skip


def downgrade() -> None:
    op.alter_column("idempotent_requests", "body", existing_type=sa.LargeBinary(), comment=None, schema=SCHEMA)
    op.alter_column("idempotent_requests", "headers", existing_type=JSONB(), comment=None, schema=SCHEMA)
    op.drop_column("idempotent_requests", "sealed", schema=SCHEMA)
