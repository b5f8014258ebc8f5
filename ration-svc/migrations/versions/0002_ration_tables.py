"""Households and members, facts from other authorities, rule sets, decisions, appeals,
imports with their rejects, and the audit log (frozen DDL: later changes get a new revision).

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

SCHEMA = "ration"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_audit_log_target_id"), "audit_log", ["target_id"], unique=False, schema=SCHEMA)
    op.create_table(
        "households",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_number", sa.String(length=20), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.Column("supply_office", sa.String(length=50), nullable=False),
        sa.Column("holder_national_id", sa.String(length=14), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("current_decision_id", sa.Uuid(), nullable=True),
        sa.Column("current_eligible", sa.Boolean(), nullable=True),
        sa.Column("decision_fingerprint", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("card_number", name=op.f("uq_households_card_number")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_households_governorate"), "households", ["governorate"], unique=False, schema=SCHEMA)
    op.create_index(
        op.f("ix_households_holder_national_id"), "households", ["holder_national_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("rows_total", sa.BigInteger(), nullable=False),
        sa.Column("rows_accepted", sa.BigInteger(), nullable=False),
        sa.Column("rows_rejected", sa.BigInteger(), nullable=False),
        sa.Column("households_reevaluated", sa.BigInteger(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("kind", "governorate", "checksum", name=op.f("uq_imports_kind_governorate_checksum")),
        schema=SCHEMA,
    )
    op.create_table(
        "incomes",
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("monthly_salary_piastres", sa.BigInteger(), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("national_id", name=op.f("pk_incomes")),
        schema=SCHEMA,
    )
    op.create_table(
        "land_holdings",
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("feddans", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("national_id", name=op.f("pk_land_holdings")),
        schema=SCHEMA,
    )
    op.create_table(
        "meters",
        sa.Column("meter_id", sa.String(length=50), nullable=False),
        sa.Column("subscriber_national_id", sa.String(length=14), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("consumption_kwh", sa.BigInteger(), nullable=False),
        sa.Column("monthly_kwh", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("meter_id", name=op.f("pk_meters")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_meters_subscriber_national_id"), "meters", ["subscriber_national_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "rule_sets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subsidy_per_member_piastres", sa.BigInteger(), nullable=False),
        sa.Column("card_cap_piastres", sa.BigInteger(), nullable=False),
        sa.Column("appeal_window_days", sa.Integer(), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("scheduled_by", sa.String(length=100), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_sets")),
        sa.UniqueConstraint("version", name=op.f("uq_rule_sets_version")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_rule_sets_status"), "rule_sets", ["status"], unique=False, schema=SCHEMA)
    op.create_table(
        "school_fees",
        sa.Column("student_national_id", sa.String(length=14), nullable=False),
        sa.Column("academic_year", sa.String(length=9), nullable=False),
        sa.Column("guardian_national_id", sa.String(length=14), nullable=False),
        sa.Column("school_id", sa.String(length=50), nullable=False),
        sa.Column("school_type", sa.String(length=20), nullable=False),
        sa.Column("annual_fees_piastres", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("student_national_id", "academic_year", name=op.f("pk_school_fees")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_school_fees_guardian_national_id"),
        "school_fees",
        ["guardian_national_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "vehicles",
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("plate_number", sa.String(length=20), nullable=False),
        sa.Column("owner_national_id", sa.String(length=14), nullable=False),
        sa.Column("owner_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vehicle_type", sa.String(length=20), nullable=True),
        sa.Column("make", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("model_year", sa.Integer(), nullable=True),
        sa.Column("engine_cc", sa.Integer(), nullable=True),
        sa.Column("governorate", sa.String(length=2), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("vehicle_id", name=op.f("pk_vehicles")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_vehicles_owner_national_id"), "vehicles", ["owner_national_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "card_issues",
        sa.Column("card_number", sa.String(length=20), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("invalidated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invalidated_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["ration.households.id"], name=op.f("fk_card_issues_household_id_households")
        ),
        sa.PrimaryKeyConstraint("card_number", name=op.f("pk_card_issues")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_card_issues_household_id"), "card_issues", ["household_id"], unique=False, schema=SCHEMA)
    op.create_table(
        "decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason_codes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("rule_set_id", sa.Uuid(), nullable=False),
        sa.Column("rules_version", sa.String(length=50), nullable=False),
        sa.Column("members_count", sa.Integer(), nullable=False),
        sa.Column("entitlement_piastres", sa.BigInteger(), nullable=False),
        sa.Column("override_appeal_id", sa.Uuid(), nullable=True),
        sa.Column("override_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trigger", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("appeal_deadline", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["ration.households.id"], name=op.f("fk_decisions_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_decisions_household_id_decided_at", "decisions", ["household_id", "decided_at"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "import_rejects",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.BigInteger(), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["ration.imports.id"], name=op.f("fk_import_rejects_import_id_imports")),
        sa.PrimaryKeyConstraint("import_id", "line", "field", name=op.f("pk_import_rejects")),
        schema=SCHEMA,
    )
    op.create_table(
        "members",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_reason", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["ration.households.id"], name=op.f("fk_members_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_members_household_id"), "members", ["household_id"], unique=False, schema=SCHEMA)
    op.create_index(
        "uq_members_active_national_id",
        "members",
        ["national_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("governorate", sa.String(length=2), nullable=False),
        sa.Column("filed_by", sa.String(length=14), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="open", nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("override_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["ration.decisions.id"], name=op.f("fk_appeals_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["ration.households.id"], name=op.f("fk_appeals_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_appeals_governorate_status_filed_at",
        "appeals",
        ["governorate", "status", "filed_at"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_appeals_household_id"), "appeals", ["household_id"], unique=False, schema=SCHEMA)
    op.create_index(
        "uq_appeals_open_decision_id",
        "appeals",
        ["decision_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_appeals_open_decision_id", table_name="appeals", schema=SCHEMA, postgresql_where=sa.text("status = 'open'")
    )
    op.drop_index(op.f("ix_appeals_household_id"), table_name="appeals", schema=SCHEMA)
    op.drop_index("ix_appeals_governorate_status_filed_at", table_name="appeals", schema=SCHEMA)
    op.drop_table("appeals", schema=SCHEMA)
    op.drop_index(
        "uq_members_active_national_id",
        table_name="members",
        schema=SCHEMA,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.drop_index(op.f("ix_members_household_id"), table_name="members", schema=SCHEMA)
    op.drop_table("members", schema=SCHEMA)
    op.drop_table("import_rejects", schema=SCHEMA)
    op.drop_index("ix_decisions_household_id_decided_at", table_name="decisions", schema=SCHEMA)
    op.drop_table("decisions", schema=SCHEMA)
    op.drop_index(op.f("ix_card_issues_household_id"), table_name="card_issues", schema=SCHEMA)
    op.drop_table("card_issues", schema=SCHEMA)
    op.drop_index(op.f("ix_vehicles_owner_national_id"), table_name="vehicles", schema=SCHEMA)
    op.drop_table("vehicles", schema=SCHEMA)
    op.drop_index(op.f("ix_school_fees_guardian_national_id"), table_name="school_fees", schema=SCHEMA)
    op.drop_table("school_fees", schema=SCHEMA)
    op.drop_index(op.f("ix_rule_sets_status"), table_name="rule_sets", schema=SCHEMA)
    op.drop_table("rule_sets", schema=SCHEMA)
    op.drop_index(op.f("ix_meters_subscriber_national_id"), table_name="meters", schema=SCHEMA)
    op.drop_table("meters", schema=SCHEMA)
    op.drop_table("land_holdings", schema=SCHEMA)
    op.drop_table("incomes", schema=SCHEMA)
    op.drop_table("imports", schema=SCHEMA)
    op.drop_index(op.f("ix_households_holder_national_id"), table_name="households", schema=SCHEMA)
    op.drop_index(op.f("ix_households_governorate"), table_name="households", schema=SCHEMA)
    op.drop_table("households", schema=SCHEMA)
    op.drop_index(op.f("ix_audit_log_target_id"), table_name="audit_log", schema=SCHEMA)
    op.drop_table("audit_log", schema=SCHEMA)
