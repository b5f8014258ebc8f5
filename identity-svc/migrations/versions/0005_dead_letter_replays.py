"""The audit of dead letters replayed by operators.

Revision ID: 0005
Revises: 0004_limits
"""

from kit.migrations import create_dead_letter_replays_v1, drop_dead_letter_replays_v1

revision = "0005"
down_revision = "0004_limits"
branch_labels = None
depends_on = None

SCHEMA = "identity"


def upgrade() -> None:
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
