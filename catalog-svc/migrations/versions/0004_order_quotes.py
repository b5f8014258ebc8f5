"""Quotes bound to an order: the order (`<owner>:<id>`) and the citizen a service asked for.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "catalog"


def upgrade() -> None:
    op.add_column("quotes", sa.Column("order_ref", sa.Text, nullable=True), schema=SCHEMA)
    op.add_column("quotes", sa.Column("citizen_id", sa.Uuid, nullable=True), schema=SCHEMA)
    op.create_index(
        "ix_quotes_order_ref", "quotes", ["order_ref"], schema=SCHEMA, postgresql_where=sa.text("order_ref IS NOT NULL")
    )


def downgrade() -> None:
    op.drop_index("ix_quotes_order_ref", table_name="quotes", schema=SCHEMA)
    op.drop_column("quotes", "citizen_id", schema=SCHEMA)
    op.drop_column("quotes", "order_ref", schema=SCHEMA)
