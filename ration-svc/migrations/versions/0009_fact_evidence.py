"""Decisions cite their evidence (issue 16): each fact other authorities stated keeps the signed
event it came from (id, type, producer, time, signing key id), the reasons of a decision carry
them, and a decision lists the ids of the events it rests on (what its evidence bundle exports).

Facts loaded before this revision, or from a governorate's bulk file, have no event (NULL).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SCHEMA = "ration"


def upgrade() -> None:
    op.add_column("vehicles", sa.Column("registered_evidence", JSONB, nullable=True), schema=SCHEMA)
    op.add_column("vehicles", sa.Column("owner_evidence", JSONB, nullable=True), schema=SCHEMA)
    op.add_column("meters", sa.Column("evidence", JSONB, nullable=True), schema=SCHEMA)
    op.add_column("school_fees", sa.Column("evidence", JSONB, nullable=True), schema=SCHEMA)
    op.add_column(
        "decisions",
        sa.Column("evidence_event_ids", ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("decisions", "evidence_event_ids", schema=SCHEMA)
    op.drop_column("school_fees", "evidence", schema=SCHEMA)
    op.drop_column("meters", "evidence", schema=SCHEMA)
    op.drop_column("vehicles", "owner_evidence", schema=SCHEMA)
    op.drop_column("vehicles", "registered_evidence", schema=SCHEMA)
