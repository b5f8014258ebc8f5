"""The outbox and inbox tables (the inbox dedups the integrators' event consumer).

Revision ID: 0001
Revises:
"""

from kit.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    create_messaging_tables_v1(SCHEMA)


def downgrade() -> None:
    drop_messaging_tables_v1(SCHEMA)
