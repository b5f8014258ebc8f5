"""The inbox remembers each event's signature (issue 16): the same id signed otherwise is a replay.

Revision ID: 0004
Revises: 0003
"""

from kit.migrations import add_inbox_signature_v1, drop_inbox_signature_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "office_routing"


def upgrade() -> None:
    add_inbox_signature_v1(SCHEMA)


def downgrade() -> None:
    drop_inbox_signature_v1(SCHEMA)
