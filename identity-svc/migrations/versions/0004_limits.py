"""Limits keyed on who asks: OTP locks per identifier, staff sign-in delays instead of lock-outs.

- otp_challenges.locked_at: a challenge locked by wrong codes locks its national ID (and
  mobile) for that purpose for a while.
- staff: failed_logins / locked_until go (nothing locks an account any more);
  last_signed_in_at comes.
- staff_sign_in_failures, staff_known_addresses: what slows guessers down, and the addresses
  where an owner is never slowed by strangers' guesses.
- staff_audit: what administrators did to staff accounts (clearing sign-in delays).
- throttle_hits(at): old hits are cleared a few at a time.

Revision ID: 0004_limits
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_limits"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "identity"


def upgrade() -> None:
    op.add_column(
        "otp_challenges",
        sa.Column(
            "locked_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="too many wrong codes: no new code for a while",
        ),
        schema=SCHEMA,
    )
    op.drop_column("staff", "failed_logins", schema=SCHEMA)
    op.drop_column("staff", "locked_until", schema=SCHEMA)
    op.add_column(
        "staff",
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "staff_sign_in_failures",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False, comment="as typed, lower-cased"),
        sa.Column("address_key", sa.String(length=64), nullable=False, comment="keyed hash of the client address"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sign_in_failures")),
        schema=SCHEMA,
    )
    for columns in (["username", "at"], ["address_key", "at"], ["at"]):
        op.create_index(
            f"ix_staff_sign_in_failures_{'_'.join(columns)}", "staff_sign_in_failures", columns, schema=SCHEMA
        )
    op.create_table(
        "staff_known_addresses",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False, comment="keyed hash"),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", "address_key", name=op.f("pk_staff_known_addresses")),
        schema=SCHEMA,
    )
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("actor_username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_username", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_audit")),
        schema=SCHEMA,
    )
    op.create_index("ix_staff_audit_at_id", "staff_audit", ["at", "id"], schema=SCHEMA)
    op.create_index("ix_throttle_hits_at", "throttle_hits", ["at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_throttle_hits_at", table_name="throttle_hits", schema=SCHEMA)
    op.drop_index("ix_staff_audit_at_id", table_name="staff_audit", schema=SCHEMA)
    op.drop_table("staff_audit", schema=SCHEMA)
    op.drop_table("staff_known_addresses", schema=SCHEMA)
    for columns in (["username", "at"], ["address_key", "at"], ["at"]):
        op.drop_index(
            f"ix_staff_sign_in_failures_{'_'.join(columns)}", table_name="staff_sign_in_failures", schema=SCHEMA
        )
    op.drop_table("staff_sign_in_failures", schema=SCHEMA)
    op.drop_column("staff", "last_signed_in_at", schema=SCHEMA)
    op.add_column("staff", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA)
    op.add_column("staff", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"), schema=SCHEMA)
    op.drop_column("otp_challenges", "locked_at", schema=SCHEMA)
