"""An issued power of attorney cites what it rests on (issue 16): the payment event and the
clerk's verification event, each as its envelope named it (id, type, producer, time, signing
key id: `kit.evidence.FactRef`). NULL for those paid or verified before this revision.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "notary"


def upgrade() -> None:
    op.add_column("powers_of_attorney", sa.Column("payment_evidence", JSONB, nullable=True), schema=SCHEMA)
    op.add_column("powers_of_attorney", sa.Column("verification_evidence", JSONB, nullable=True), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("powers_of_attorney", "verification_evidence", schema=SCHEMA)
    op.drop_column("powers_of_attorney", "payment_evidence", schema=SCHEMA)
