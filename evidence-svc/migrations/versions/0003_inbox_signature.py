"""The inbox remembers each event's signature (a replay is the same id signed otherwise).

Revision ID: 0003
Revises: 0002
"""

from kit.migrations import add_inbox_signature_v1, drop_inbox_signature_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "evidence"


def upgrade() -> None:
    add_inbox_signature_v1(SCHEMA)


def downgrade() -> None:
    drop_inbox_signature_v1(SCHEMA)
