"""Integrators' event-signing keys (issue 16): each integrator's CloudEvent source (the producer
its keys sign for; existing integrators get their client id), its public keys, its JWKS URL, and
the signature of each event received (the same id signed otherwise is refused).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.add_column(
        "integrators",
        sa.Column(
            "source",
            sa.Text(),
            comment="the CloudEvent source of its events: the producer its signing keys sign for",
        ),
        schema=SCHEMA,
    )
    op.execute(f"UPDATE {SCHEMA}.integrators SET source = client_id")
    op.alter_column("integrators", "source", nullable=False, schema=SCHEMA)
    op.create_unique_constraint("uq_integrators_source", "integrators", ["source"], schema=SCHEMA)
    op.create_table(
        "integrator_event_keys",
        sa.Column(
            "kid", sa.Text(), primary_key=True, comment="unique across integrators: consumers look keys up by it"
        ),
        sa.Column(
            "integrator_id",
            sa.Uuid(),
            sa.ForeignKey(f"{SCHEMA}.integrators.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("x", sa.Text(), nullable=False, unique=True, comment="the 32-byte public key, base64url"),
        sa.Column("jwks_url", sa.Text(), comment="fetched from the integrator's JWKS URL; null: uploaded"),
        sa.Column(
            "status",
            sa.Text(),
            nullable=False,
            comment="active | retired (gone from its JWKS URL: verifies what it signed, signs nothing new) | revoked",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.Text(), comment="integrator:<client id> or staff:<id>"),
        sa.Column("revoked_reason", sa.Text()),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_integrator_event_keys_integrator",
        "integrator_event_keys",
        ["integrator_id", "created_at", "kid"],
        schema=SCHEMA,
    )
    op.create_table(
        "integrator_jwks_urls",
        sa.Column(
            "integrator_id",
            sa.Uuid(),
            sa.ForeignKey(f"{SCHEMA}.integrators.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "received_events",
        sa.Column(
            "signature",
            sa.Text(),
            comment="the integrator's signature: the same id signed otherwise again is refused, not a duplicate",
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("received_events", "signature", schema=SCHEMA)
    op.drop_table("integrator_jwks_urls", schema=SCHEMA)
    op.drop_index("ix_integrator_event_keys_integrator", table_name="integrator_event_keys", schema=SCHEMA)
    op.drop_table("integrator_event_keys", schema=SCHEMA)
    op.drop_constraint("uq_integrators_source", "integrators", schema=SCHEMA)
    op.drop_column("integrators", "source", schema=SCHEMA)
