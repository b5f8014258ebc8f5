"""The delivery log keeps fixed reasons only: rewrite what earlier versions stored (exception
class names such as ClientConnectorError, "HTTP 500"), which told an integrator what answered.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SCHEMA = "gateway"
FIXED = "('unexpected_status', 'timeout', 'connection_failed', 'tls_failed', 'address_not_allowed')"


def upgrade() -> None:
    op.execute(
        f"""
        UPDATE {SCHEMA}.webhook_deliveries SET last_error = CASE
            WHEN last_error LIKE 'HTTP %' THEN 'unexpected_status'
            WHEN last_error ILIKE '%timeout%' THEN 'timeout'
            WHEN last_error ILIKE '%ssl%' OR last_error ILIKE '%certificate%' THEN 'tls_failed'
            ELSE 'connection_failed' END
        WHERE last_error IS NOT NULL AND last_error NOT IN {FIXED}
        """
    )
    op.execute(
        f"""
        UPDATE {SCHEMA}.webhook_subscriptions
        SET disabled_reason = regexp_replace(disabled_reason, '; last: .*$', '')
        WHERE disabled_reason LIKE '%; last: %'
        """
    )


def downgrade() -> None:
    pass  # the texts rewritten are not kept anywhere
