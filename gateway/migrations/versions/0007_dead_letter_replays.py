"""The audit of dead letters replayed by operators.

Revision ID: 0007
Revises: 0006
"""

from kit.migrations import create_dead_letter_replays_v1, drop_dead_letter_replays_v1

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
