"""The registry mirror, citizens, OTP challenges and limits, signing keys and refresh tokens,
staff, access grants, the hash-chained access log (append-only, enforced by a trigger) and
the notification SMS queue.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "identity"


def upgrade() -> None:
    op.create_table(
        "access_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("citizen_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grants")),
        sa.UniqueConstraint("consent_id", name=op.f("uq_access_grants_consent_id")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_access_grants_staff_id_citizen_id", "access_grants", ["staff_id", "citizen_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "access_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("citizen_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("staff_username", sa.String(length=64), nullable=False),
        sa.Column("staff_roles", sa.String(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(), nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_access_log")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_access_log_citizen_id"), "access_log", ["citizen_id"], unique=False, schema=SCHEMA)
    op.create_table(
        "citizens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("mobile", sa.String(length=13), nullable=False, comment="E.164"),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mobile_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
        sa.UniqueConstraint("mobile", name=op.f("uq_citizens_mobile")),
        sa.UniqueConstraint("national_id", name=op.f("uq_citizens_national_id")),
        schema=SCHEMA,
    )
    op.create_table(
        "marriages",
        sa.Column("marriage_id", sa.Uuid(), nullable=False),
        sa.Column("husband_national_id", sa.String(length=14), nullable=False),
        sa.Column("wife_national_id", sa.String(length=14), nullable=False),
        sa.Column("marriage_date", sa.Date(), nullable=False),
        sa.Column("divorce_date", sa.Date(), nullable=True),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("marriage_id", name=op.f("pk_marriages")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_marriages_husband_national_id"), "marriages", ["husband_national_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        op.f("ix_marriages_wife_national_id"), "marriages", ["wife_national_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "otp_challenges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False, comment="enrol, login, consent, mobile_change"),
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("mobile", sa.String(length=13), nullable=True),
        sa.Column("citizen_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.Uuid(), nullable=True, comment="staff who asked (consent)"),
        sa.Column("code_hash", sa.LargeBinary(), nullable=True, comment="null: nothing was sent"),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False, comment="pending, verified, locked"),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_otp_challenges")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_otp_challenges_mobile_created_at", "otp_challenges", ["mobile", "created_at"], unique=False, schema=SCHEMA
    )
    op.create_index(
        "ix_otp_challenges_national_id_created_at",
        "otp_challenges",
        ["national_id", "created_at"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "outgoing_sms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("citizen_id", sa.Uuid(), nullable=False),
        sa.Column("mobile", sa.String(length=13), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=True),
        sa.Column("provider_message_id", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_sms")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outgoing_sms_event_id")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_outgoing_sms_citizen_id"), "outgoing_sms", ["citizen_id"], unique=False, schema=SCHEMA)
    op.create_index(
        "ix_outgoing_sms_pending",
        "outgoing_sms",
        ["next_attempt_at"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "persons",
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("first_name_ar", sa.String(), nullable=False),
        sa.Column("full_name_ar", sa.String(), nullable=False),
        sa.Column("full_name_latin", sa.String(), nullable=True),
        sa.Column("mother_first_name_ar", sa.String(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=6), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False, comment="governorate of residence"),
        sa.Column("district_ar", sa.String(), nullable=True),
        sa.Column("address_ar", sa.String(), nullable=True),
        sa.Column("father_national_id", sa.String(length=14), nullable=True),
        sa.Column("mother_national_id", sa.String(length=14), nullable=True),
        sa.Column("spouse_national_id", sa.String(length=14), nullable=True),
        sa.Column("marital_status", sa.String(length=10), nullable=False),
        sa.Column("alive", sa.Boolean(), nullable=False),
        sa.Column("date_of_death", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("national_id", name=op.f("pk_persons")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_persons_father_national_id"), "persons", ["father_national_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        op.f("ix_persons_mother_national_id"), "persons", ["mother_national_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("citizen_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_refresh_tokens_citizen_id"), "refresh_tokens", ["citizen_id"], unique=False, schema=SCHEMA)
    op.create_index(op.f("ix_refresh_tokens_family_id"), "refresh_tokens", ["family_id"], unique=False, schema=SCHEMA)
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=40), nullable=False),
        sa.Column("private_key_enc", sa.LargeBinary(), nullable=False),
        sa.Column("public_jwk", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "retired_at", sa.DateTime(timezone=True), nullable=True, comment="stops signing; still published a while"
        ),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        schema=SCHEMA,
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False, comment="scrypt$n$r$p$salt$hash"),
        sa.Column("roles", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=True),
        sa.Column("governorate", sa.String(length=2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_username")),
        schema=SCHEMA,
    )
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_hits")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_throttle_hits_bucket_key_at", "throttle_hits", ["bucket", "key", "at"], unique=False, schema=SCHEMA
    )

    op.execute(
        f"""
        CREATE FUNCTION {SCHEMA}.access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the access log is append-only';
        END $$
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {SCHEMA}.access_log
            FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.access_log_append_only()
        """
    )


def downgrade() -> None:
    op.execute(f"DROP TRIGGER access_log_append_only ON {SCHEMA}.access_log")
    op.execute(f"DROP FUNCTION {SCHEMA}.access_log_append_only()")
    op.drop_index("ix_throttle_hits_bucket_key_at", table_name="throttle_hits", schema=SCHEMA)
    op.drop_table("throttle_hits", schema=SCHEMA)
    op.drop_table("staff", schema=SCHEMA)
    op.drop_table("signing_keys", schema=SCHEMA)
    op.drop_index(op.f("ix_refresh_tokens_family_id"), table_name="refresh_tokens", schema=SCHEMA)
    op.drop_index(op.f("ix_refresh_tokens_citizen_id"), table_name="refresh_tokens", schema=SCHEMA)
    op.drop_table("refresh_tokens", schema=SCHEMA)
    op.drop_index(op.f("ix_persons_mother_national_id"), table_name="persons", schema=SCHEMA)
    op.drop_index(op.f("ix_persons_father_national_id"), table_name="persons", schema=SCHEMA)
    op.drop_table("persons", schema=SCHEMA)
    op.drop_index(
        "ix_outgoing_sms_pending", table_name="outgoing_sms", schema=SCHEMA, postgresql_where=sa.text("sent_at IS NULL")
    )
    op.drop_index(op.f("ix_outgoing_sms_citizen_id"), table_name="outgoing_sms", schema=SCHEMA)
    op.drop_table("outgoing_sms", schema=SCHEMA)
    op.drop_index("ix_otp_challenges_national_id_created_at", table_name="otp_challenges", schema=SCHEMA)
    op.drop_index("ix_otp_challenges_mobile_created_at", table_name="otp_challenges", schema=SCHEMA)
    op.drop_table("otp_challenges", schema=SCHEMA)
    op.drop_index(op.f("ix_marriages_wife_national_id"), table_name="marriages", schema=SCHEMA)
    op.drop_index(op.f("ix_marriages_husband_national_id"), table_name="marriages", schema=SCHEMA)
    op.drop_table("marriages", schema=SCHEMA)
    op.drop_table("citizens", schema=SCHEMA)
    op.drop_index(op.f("ix_access_log_citizen_id"), table_name="access_log", schema=SCHEMA)
    op.drop_table("access_log", schema=SCHEMA)
    op.drop_index("ix_access_grants_staff_id_citizen_id", table_name="access_grants", schema=SCHEMA)
    op.drop_table("access_grants", schema=SCHEMA)
