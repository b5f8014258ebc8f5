"""Events integrators publish over HTTP (`received_events`: each id taken once); a webhook
secret's predecessor, still signing until the overlap of a rotation ends.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "received_events",
        sa.Column("id", sa.Uuid(), primary_key=True, comment="the CloudEvent id: Nats-Msg-Id on publish"),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("integrator_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_received_events_integrator", "received_events", ["integrator_id", "received_at"], schema=SCHEMA)
    op.add_column(
        "webhook_subscriptions",
        sa.Column("previous_secret", sa.Text(), comment="the secret before the last rotation, sealed"),
        schema=SCHEMA,
    )
    op.add_column(
        "webhook_subscriptions",
        sa.Column(
            "previous_secret_until",
            sa.DateTime(timezone=True),
            comment="deliveries carry its signature too until then",
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("webhook_subscriptions", "previous_secret_until", schema=SCHEMA)
    op.drop_column("webhook_subscriptions", "previous_secret", schema=SCHEMA)
    op.drop_index("ix_received_events_integrator", table_name="received_events", schema=SCHEMA)
    op.drop_table("received_events", schema=SCHEMA)
