"""Tariffs and roll-out for three services defined as data (applications-svc): Takaful and Karama
support (free), vehicle licence renewal (delivered by post) and the commercial-registry extract.
They stay `coming` until applications-svc publishes a definition (catalog.offering); their
roll-out follows the programme's phases like the others. Inserts only what is missing.

Revision ID: 0006
Revises: 0005
"""

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "catalog"
SEEDED_BY = "migration:0006"
TARIFF_FROM = "2025-10-01T00:00:00+03:00"
PHASE_DATES = {
    "pilot": "2025-10-01T00:00:00+03:00",
    "phase_1": "2026-04-01T00:00:00+02:00",
    "phase_2": "2027-01-15T00:00:00+02:00",
    "rest": "2027-07-01T00:00:00+03:00",
}
GOVERNORATE_PHASES = {
    "03": "pilot",
    **dict.fromkeys(["01", "21", "02", "19", "04", "35", "29", "28", "15", "14", "12", "18"], "phase_1"),
    **dict.fromkeys(["22", "26", "17", "13", "24", "23", "32", "25", "16", "31"], "phase_2"),
    **dict.fromkeys(["11", "27", "33", "34"], "rest"),
}
ALL_CHANNELS = ["web", "mobile", "office", "post_office", "call_centre"]
ALL_METHODS = ["card", "wallet", "post_office", "cash_network"]
SERVICE_CHARGE = {"web": 300, "mobile": 300, "office": 1000, "post_office": 800, "call_centre": 1200}


def _standard(base: int, stamp: int, *, delivery: int = 0) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"code": "base_fee", "amount_piastres": base, "channel": None, "method": None},
        {"code": "stamp_duty", "amount_piastres": stamp, "channel": None, "method": None},
    ]
    rows += [
        {"code": "service_charge", "amount_piastres": amount, "channel": channel, "method": None}
        for channel, amount in SERVICE_CHARGE.items()
    ]
    if delivery:
        rows.append({"code": "delivery", "amount_piastres": delivery, "channel": None, "method": None})
    rows += [
        {"code": "e_payment_incentive", "amount_piastres": -250, "channel": None, "method": method}
        for method in ("card", "wallet")
    ]
    return rows


TARIFFS = {
    "takaful.support.apply": [{"code": "base_fee", "amount_piastres": 0, "channel": None, "method": None}],
    "traffic.licence.renew_vehicle": _standard(15000, 1000, delivery=2500),
    "registry.commercial.extract": _standard(3000, 500),
}


def upgrade() -> None:
    conn = op.get_bind()
    for code, components in TARIFFS.items():
        conn.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.tariffs (service_code, version, effective_from, channels, methods, components, "
                "published_by, reason) VALUES (:code, 1, :effective, CAST(:channels AS jsonb), "
                "CAST(:methods AS jsonb), CAST(:components AS jsonb), :by, :reason) ON CONFLICT DO NOTHING"
            ),
            {
                "code": code,
                "effective": datetime.fromisoformat(TARIFF_FROM),
                "channels": json.dumps(ALL_CHANNELS),
                "methods": json.dumps(ALL_METHODS),
                "components": json.dumps(components),
                "by": SEEDED_BY,
                "reason": "First published tariff",
            },
        )
        for governorate, phase in GOVERNORATE_PHASES.items():
            conn.execute(
                sa.text(
                    f"INSERT INTO {SCHEMA}.rollout (service_code, governorate, live_from, pilot, suspended, "
                    "updated_by) VALUES (:code, :gov, :live_from, :pilot, false, :by) ON CONFLICT DO NOTHING"
                ),
                {
                    "code": code,
                    "gov": governorate,
                    "live_from": datetime.fromisoformat(PHASE_DATES[phase]),
                    "pilot": phase == "pilot",
                    "by": SEEDED_BY,
                },
            )


def downgrade() -> None:
    conn = op.get_bind()
    for table in ("rollout", "tariffs"):
        conn.execute(
            sa.text(
                f"DELETE FROM {SCHEMA}.{table} WHERE service_code IN :codes AND "
                + ("updated_by" if table == "rollout" else "published_by")
                + " = :by"
            ).bindparams(sa.bindparam("codes", expanding=True)),
            {"codes": list(TARIFFS), "by": SEEDED_BY},
        )
