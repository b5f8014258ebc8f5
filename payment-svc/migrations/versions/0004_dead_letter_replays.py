"""The audit of dead letters replayed by operators.

Revision ID: 0004
Revises: 0003
"""

from kit.migrations import create_dead_letter_replays_v1, drop_dead_letter_replays_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "payment"


def upgrade() -> None:
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
