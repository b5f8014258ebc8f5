"""Evaluation jobs: an import commits its rows with a durable job naming the households to
decide, and the service's worker decides them afterwards in resumable chunks; a maintained
members count on households, so an evaluation needs no aggregate over members.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "ration"


def upgrade() -> None:
    op.create_table(
        "evaluation_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("trigger", sa.String(length=100), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("next_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("evaluated", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("changed", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("notified", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["ration.imports.id"], name=op.f("fk_evaluation_jobs_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_jobs")),
        sa.UniqueConstraint("import_id", name=op.f("uq_evaluation_jobs_import_id")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_evaluation_jobs_pending",
        "evaluation_jobs",
        ["created_at"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("finished_at IS NULL"),
    )
    op.create_table(
        "evaluation_targets",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "seq", name=op.f("pk_evaluation_targets")),
        schema=SCHEMA,
    )
    op.add_column(
        "imports",
        sa.Column("evaluation_status", sa.String(length=20), server_default="done", nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "imports",
        sa.Column("households_to_evaluate", sa.BigInteger(), server_default="0", nullable=False),
        schema=SCHEMA,
    )
    op.add_column("imports", sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA)
    op.add_column(
        "households", sa.Column("members_count", sa.Integer(), server_default="0", nullable=False), schema=SCHEMA
    )
    op.execute(
        f"""UPDATE {SCHEMA}.households h SET members_count = m.n
        FROM (SELECT household_id, count(*) AS n FROM {SCHEMA}.members WHERE removed_at IS NULL GROUP BY household_id) m
        WHERE m.household_id = h.id"""
    )
    # Every path that adds, removes or moves a member (cards, civil events, imports) keeps the count
    # right through one statement-level trigger: set-based, once per statement, not per row.
    op.execute(
        f"""CREATE FUNCTION {SCHEMA}.members_count_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('ration.members_count_by_import', true) = 'on' THEN
    RETURN NULL;  -- a bulk import sets the counts itself in one pass
  END IF;
  IF TG_OP = 'INSERT' THEN
    UPDATE {SCHEMA}.households h SET members_count = h.members_count + d.n
    FROM (SELECT household_id, count(*) AS n FROM new_rows WHERE removed_at IS NULL GROUP BY household_id) d
    WHERE h.id = d.household_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE {SCHEMA}.households h SET members_count = h.members_count - d.n
    FROM (SELECT household_id, count(*) AS n FROM old_rows WHERE removed_at IS NULL GROUP BY household_id) d
    WHERE h.id = d.household_id;
  ELSE
    UPDATE {SCHEMA}.households h SET members_count = h.members_count + d.n
    FROM (SELECT household_id, sum(n) AS n FROM (
            SELECT household_id, count(*) AS n FROM new_rows WHERE removed_at IS NULL GROUP BY household_id
            UNION ALL
            SELECT household_id, -count(*) FROM old_rows WHERE removed_at IS NULL GROUP BY household_id) x
          GROUP BY household_id) d
    WHERE h.id = d.household_id AND d.n <> 0;
  END IF;
  RETURN NULL;
END $$"""
    )
    for operation, refs in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        op.execute(
            f"CREATE TRIGGER members_count_{operation.lower()} AFTER {operation} ON {SCHEMA}.members"
            f" REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.members_count_sync()"
        )


def downgrade() -> None:
    for operation in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER members_count_{operation} ON {SCHEMA}.members")
    op.execute(f"DROP FUNCTION {SCHEMA}.members_count_sync()")
    op.drop_column("households", "members_count", schema=SCHEMA)
    op.drop_column("imports", "evaluated_at", schema=SCHEMA)
    op.drop_column("imports", "households_to_evaluate", schema=SCHEMA)
    op.drop_column("imports", "evaluation_status", schema=SCHEMA)
    op.drop_table("evaluation_targets", schema=SCHEMA)
    op.drop_index(
        "ix_evaluation_jobs_pending",
        table_name="evaluation_jobs",
        schema=SCHEMA,
        postgresql_where=sa.text("finished_at IS NULL"),
    )
    op.drop_table("evaluation_jobs", schema=SCHEMA)
