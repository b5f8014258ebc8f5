"""Offices, holidays, slot counters, orders, appointments and their audit trail.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "office_routing"
NOW = sa.func.now()


def _ts(name: str, *, nullable: bool = False, default: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=NOW if default else None)


def upgrade() -> None:
    op.create_table(
        "offices",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("governorate", sa.String(2), nullable=False),
        sa.Column("name_ar", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("address_ar", sa.String(300), nullable=False),
        sa.Column("address_en", sa.String(300), nullable=False),
        sa.Column("latitude", sa.Double, nullable=False),
        sa.Column("longitude", sa.Double, nullable=False),
        sa.Column("services", ARRAY(sa.String(64)), nullable=False),
        sa.Column("working_days", ARRAY(sa.SmallInteger), nullable=False),
        sa.Column("opens_at", sa.Time, nullable=False),
        sa.Column("closes_at", sa.Time, nullable=False),
        sa.Column("slot_minutes", sa.Integer, nullable=False),
        sa.Column("capacity_per_slot", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        _ts("created_at", default=True),
        _ts("updated_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_offices"),
        sa.UniqueConstraint("code", name="uq_offices_code"),
        sa.CheckConstraint("kind IN ('notary_office', 'service_centre', 'post_office')", name="ck_offices_kind"),
        sa.CheckConstraint("governorate ~ '^[0-9]{2}$'", name="ck_offices_governorate"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="ck_offices_slot_minutes"),
        sa.CheckConstraint("capacity_per_slot BETWEEN 1 AND 100", name="ck_offices_capacity"),
        sa.CheckConstraint("closes_at > opens_at", name="ck_offices_hours"),
        sa.CheckConstraint("working_days <@ ARRAY[1,2,3,4,5,6,7]::smallint[]", name="ck_offices_working_days"),
        schema=SCHEMA,
    )
    op.create_index("ix_offices_governorate", "offices", ["governorate"], schema=SCHEMA)
    op.create_index("ix_offices_services", "offices", ["services"], schema=SCHEMA, postgresql_using="gin")
    op.create_table(
        "holidays",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("office_id", sa.Uuid, nullable=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("name_ar", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        _ts("created_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_holidays"),
        sa.ForeignKeyConstraint(["office_id"], [f"{SCHEMA}.offices.id"], name="fk_holidays_office_id_offices"),
        sa.UniqueConstraint("office_id", "day", name="uq_holidays_office_id_day", postgresql_nulls_not_distinct=True),
        schema=SCHEMA,
    )
    op.create_index("ix_holidays_day", "holidays", ["day"], schema=SCHEMA)
    op.create_table(
        "slots",
        sa.Column("office_id", sa.Uuid, nullable=False),
        _ts("starts_at"),
        _ts("ends_at"),
        sa.Column("capacity", sa.SmallInteger, nullable=False),
        sa.Column("booked", sa.SmallInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("office_id", "starts_at", name="pk_slots"),
        sa.ForeignKeyConstraint(["office_id"], [f"{SCHEMA}.offices.id"], name="fk_slots_office_id_offices"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slots_seats"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_slots_ordered"),
        schema=SCHEMA,
    )
    op.create_table(
        "orders",
        sa.Column("order_ref", sa.String(200), nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("national_id", sa.String(14), nullable=True),
        sa.Column("service_code", sa.String(64), nullable=True),
        sa.Column("governorate", sa.String(2), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("waiting_reason", sa.String(40), nullable=True),
        _ts("paid_at", nullable=True),
        _ts("created_at", default=True),
        _ts("updated_at", default=True),
        sa.PrimaryKeyConstraint("order_ref", name="pk_orders"),
        sa.CheckConstraint("status IN ('open', 'verified', 'cancelled')", name="ck_orders_status"),
        schema=SCHEMA,
    )
    op.create_index("ix_orders_citizen_id", "orders", ["citizen_id"], schema=SCHEMA)
    op.create_index(
        "ix_orders_waiting",
        "orders",
        ["updated_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("waiting_reason IS NOT NULL"),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("order_ref", sa.String(200), nullable=False),
        sa.Column("citizen_id", sa.Uuid, nullable=False),
        sa.Column("office_id", sa.Uuid, nullable=False),
        sa.Column("service_code", sa.String(64), nullable=False),
        sa.Column("governorate", sa.String(2), nullable=False),
        _ts("starts_at"),
        _ts("ends_at"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("end_reason", sa.String(40), nullable=True),
        sa.Column("replaces_id", sa.Uuid, nullable=True),
        _ts("booked_at"),
        _ts("checked_in_at", nullable=True),
        _ts("verified_at", nullable=True),
        sa.Column("verified_by", sa.String(100), nullable=True),
        _ts("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
        sa.ForeignKeyConstraint(["order_ref"], [f"{SCHEMA}.orders.order_ref"], name="fk_appointments_order_ref_orders"),
        sa.ForeignKeyConstraint(["office_id"], [f"{SCHEMA}.offices.id"], name="fk_appointments_office_id_offices"),
        sa.ForeignKeyConstraint(
            ["replaces_id"], [f"{SCHEMA}.appointments.id"], name="fk_appointments_replaces_id_appointments"
        ),
        sa.CheckConstraint(
            "status IN ('booked', 'checked_in', 'verified', 'cancelled', 'no_show', 'rescheduled')",
            name="ck_appointments_status",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_appointments_active_order",
        "appointments",
        ["order_ref"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('booked', 'checked_in')"),
    )
    op.create_index("ix_appointments_office_starts", "appointments", ["office_id", "starts_at"], schema=SCHEMA)
    op.create_index("ix_appointments_citizen_starts", "appointments", ["citizen_id", "starts_at"], schema=SCHEMA)
    op.create_table(
        "appointment_history",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column("appointment_id", sa.Uuid, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        _ts("at"),
        sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.PrimaryKeyConstraint("id", name="pk_appointment_history"),
        sa.ForeignKeyConstraint(
            ["appointment_id"], [f"{SCHEMA}.appointments.id"], name="fk_appointment_history_appointment_id_appointments"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_appointment_history_appointment_id", "appointment_history", ["appointment_id"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("appointment_history", "appointments", "orders", "slots", "holidays", "offices"):
        op.drop_table(table, schema=SCHEMA)
