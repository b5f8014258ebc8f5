"""Powers of attorney with their audit trail, certificate requests, issued documents.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "notary"


def _ts(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _quote_columns() -> list[sa.Column]:
    return [
        sa.Column("quote_id", sa.Text),
        sa.Column("quote_token", sa.Text),
        sa.Column("amount_piastres", sa.BigInteger),
        _ts("quote_expires_at"),
        sa.Column("payment_id", sa.Uuid),
        _ts("paid_at"),
    ]


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("document_number_seq", schema=SCHEMA)))
    op.create_table(
        "powers_of_attorney",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("principal_national_id", sa.String(14), nullable=False),
        sa.Column("principal", JSONB, nullable=False, comment="registry snapshot at drafting"),
        sa.Column("agents", JSONB, nullable=False, comment="registry snapshots, in order"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("scopes", JSONB, nullable=False),
        sa.Column("special_conditions", JSONB, nullable=False),
        sa.Column("valid_until", sa.Date),
        sa.Column("governorate", sa.String(2), nullable=False, comment="principal's residence (registry)"),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("channel", sa.Text),
        sa.Column("method", sa.Text),
        *_quote_columns(),
        sa.Column("paid_piastres", sa.BigInteger),
        sa.Column("appointment_id", sa.Uuid),
        sa.Column("office_id", sa.Uuid),
        _ts("appointment_starts_at"),
        _ts("appointment_ends_at"),
        _ts("verified_at"),
        sa.Column("clerk_id", sa.Uuid),
        sa.Column("document_number", sa.Text),
        _ts("issued_at"),
        _ts("revoked_at"),
        _ts("cancelled_at"),
        sa.Column("reason", sa.Text, comment="why it was cancelled or revoked"),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_powers_of_attorney"),
        sa.CheckConstraint(
            "status IN ('draft','awaiting_payment','paid','appointment_booked','no_show','verified',"
            "'issued','revoked','cancelled')",
            name="ck_powers_of_attorney_status",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_powers_of_attorney_citizen_id", "powers_of_attorney", ["citizen_id", "created_at", "id"], schema=SCHEMA
    )
    op.create_table(
        "poa_transitions",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("poa_id", sa.Uuid, nullable=False),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        _ts("at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_poa_transitions"),
        schema=SCHEMA,
    )
    op.create_index("ix_poa_transitions_poa_id", "poa_transitions", ["poa_id"], schema=SCHEMA)
    op.create_table(
        "certificate_requests",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("relation", sa.Text, nullable=False),
        sa.Column("subject_national_ids", JSONB, nullable=False),
        sa.Column("marriage_id", sa.Text),
        sa.Column("facts", JSONB, nullable=False, comment="registry data the certificate states"),
        sa.Column("service_code", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        *_quote_columns(),
        sa.Column("document_number", sa.Text),
        _ts("issued_at"),
        _ts("cancelled_at"),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_certificate_requests"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_certificate_requests_citizen_id",
        "certificate_requests",
        ["citizen_id", "created_at", "id"],
        schema=SCHEMA,
    )
    op.create_table(
        "documents",
        sa.Column("number", sa.String(50), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("source_id", sa.Uuid, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        sa.Column("canonical", sa.LargeBinary, nullable=False),
        sa.Column("content_sha256", sa.Text, nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("key_id", sa.Text, nullable=False),
        sa.Column("verification_code", sa.Text, nullable=False),
        _ts("issued_at", nullable=False),
        sa.Column("valid_until", sa.Date),
        _ts("revoked_at"),
        sa.Column("revoke_reason", sa.Text),
        sa.PrimaryKeyConstraint("number", name="pk_documents"),
        sa.UniqueConstraint("source_id", name="uq_documents_source_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_documents_citizen_id", "documents", ["citizen_id", "issued_at", "number"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("documents", "certificate_requests", "poa_transitions", "powers_of_attorney"):
        op.drop_table(table, schema=SCHEMA)
    op.execute(sa.schema.DropSequence(sa.Sequence("document_number_seq", schema=SCHEMA)))
