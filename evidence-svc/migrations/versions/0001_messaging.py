"""The outbox and inbox tables, and the audit of dead-letter replays.

Revision ID: 0001
Revises:
"""

from kit.migrations import (
    create_dead_letter_replays_v1,
    create_messaging_tables_v1,
    drop_dead_letter_replays_v1,
    drop_messaging_tables_v1,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "evidence"


def upgrade() -> None:
    create_messaging_tables_v1(SCHEMA)
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
    drop_messaging_tables_v1(SCHEMA)
