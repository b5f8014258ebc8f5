"""Households keep half of each page free (fillfactor 50): every decision rewrites its household's
row (current decision, eligibility, fingerprint), and a row rewritten on its own page is a HOT
update, which writes none of the table's four indexes. Packed full, as an import leaves them, every
first decision of a governorate's file moved its row to another page and wrote all four indexes:
the evaluation job took 11.0 s for 200,000 imported households, 8.8 s with the room (one run each,
bench `ration_import`'s file). The table is about twice the size on disk for it.

Rows already stored are not rewritten; pages written from now on keep the room.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SCHEMA = "ration"


def upgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.households SET (fillfactor = 50)")


def downgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.households RESET (fillfactor)")
