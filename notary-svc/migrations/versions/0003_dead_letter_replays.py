"""The audit of dead letters replayed by operators.

Revision ID: 0003
Revises: 0002
"""

from kit.migrations import create_dead_letter_replays_v1, drop_dead_letter_replays_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "notary"


def upgrade() -> None:
    create_dead_letter_replays_v1(SCHEMA)


def downgrade() -> None:
    drop_dead_letter_replays_v1(SCHEMA)
