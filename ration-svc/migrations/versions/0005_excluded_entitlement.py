"""An excluded household is entitled to nothing: decisions written before this revision showed the
household's size times the subsidy even when it was excluded. Set their entitlement to 0, and
the fingerprint of the households whose current decision they are (so the next evaluation sees
no change where there is none).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE ration.decisions SET entitlement_piastres = 0 WHERE NOT eligible AND entitlement_piastres <> 0")
    op.execute(
        """UPDATE ration.households h SET decision_fingerprint = md5(concat_ws('|', d.eligible, d.reasons::text,
             d.members_count, d.entitlement_piastres, d.override_appeal_id, d.override_until))
           FROM ration.decisions d WHERE d.id = h.current_decision_id AND NOT d.eligible"""
    )


def downgrade() -> None:
    """The amounts shown before were wrong; there is nothing to restore."""
