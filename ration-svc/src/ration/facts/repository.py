"""All SQL of the facts read model. Upserts are order-independent: the newer fact wins, and with it
the signed event it came from (`evidence`)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from kit.evidence import FactRef

_VEHICLE_REGISTERED = """
INSERT INTO ration.vehicles AS v (vehicle_id, plate_number, owner_national_id, owner_since, vehicle_type, make,
  model, model_year, engine_cc, governorate, registered_at, updated_at, registered_evidence, owner_evidence)
VALUES (:vehicle_id, :plate, :owner, :at, :type, :make, :model, :year, :cc, :gov, :at, now(),
  CAST(:evidence AS jsonb), CAST(:evidence AS jsonb))
ON CONFLICT (vehicle_id) DO UPDATE SET registered_evidence = EXCLUDED.registered_evidence,
  vehicle_type = EXCLUDED.vehicle_type, make = EXCLUDED.make, model = EXCLUDED.model,
  model_year = EXCLUDED.model_year, engine_cc = EXCLUDED.engine_cc, governorate = EXCLUDED.governorate,
  registered_at = EXCLUDED.registered_at, updated_at = now(),
  plate_number = CASE WHEN EXCLUDED.owner_since >= v.owner_since THEN EXCLUDED.plate_number ELSE v.plate_number END,
  owner_national_id = CASE WHEN EXCLUDED.owner_since >= v.owner_since
                           THEN EXCLUDED.owner_national_id ELSE v.owner_national_id END,
  owner_evidence = CASE WHEN EXCLUDED.owner_since >= v.owner_since
                        THEN EXCLUDED.owner_evidence ELSE v.owner_evidence END,
  owner_since = greatest(v.owner_since, EXCLUDED.owner_since)
"""

_VEHICLE_TRANSFERRED = """
INSERT INTO ration.vehicles AS v (vehicle_id, plate_number, owner_national_id, owner_since, updated_at, owner_evidence)
VALUES (:vehicle_id, :plate, :owner, :at, now(), CAST(:evidence AS jsonb))
ON CONFLICT (vehicle_id) DO UPDATE SET
  plate_number = EXCLUDED.plate_number, owner_national_id = EXCLUDED.owner_national_id,
  owner_since = EXCLUDED.owner_since, owner_evidence = EXCLUDED.owner_evidence, updated_at = now()
WHERE EXCLUDED.owner_since >= v.owner_since
"""

_METER = """
INSERT INTO ration.meters AS m (meter_id, subscriber_national_id, governorate, period_start, period_end,
  consumption_kwh, monthly_kwh, reported_at, evidence)
VALUES (:meter, :nid, :gov, :start, :end, :kwh, :monthly, :at, CAST(:evidence AS jsonb))
ON CONFLICT (meter_id) DO UPDATE SET subscriber_national_id = EXCLUDED.subscriber_national_id,
  evidence = EXCLUDED.evidence,
  governorate = EXCLUDED.governorate, period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
  consumption_kwh = EXCLUDED.consumption_kwh, monthly_kwh = EXCLUDED.monthly_kwh, reported_at = EXCLUDED.reported_at
WHERE (EXCLUDED.period_end, EXCLUDED.reported_at) >= (m.period_end, m.reported_at)
"""

_FEES = """
INSERT INTO ration.school_fees AS f (student_national_id, academic_year, guardian_national_id, school_id,
  school_type, annual_fees_piastres, reported_at, evidence)
VALUES (:student, :year, :guardian, :school, :type, :fees, :at, CAST(:evidence AS jsonb))
ON CONFLICT (student_national_id, academic_year) DO UPDATE SET guardian_national_id = EXCLUDED.guardian_national_id,
  evidence = EXCLUDED.evidence,
  school_id = EXCLUDED.school_id, school_type = EXCLUDED.school_type,
  annual_fees_piastres = EXCLUDED.annual_fees_piastres, reported_at = EXCLUDED.reported_at
WHERE EXCLUDED.reported_at >= f.reported_at
"""


def _json(evidence: FactRef | None) -> str | None:
    """The event a fact came from, as the row keeps it; None for a fact loaded otherwise (no event)."""
    return None if evidence is None else json.dumps(evidence.stored())


def monthly_kwh(consumption_kwh: int, start: date, end: date) -> int:
    """The period's consumption as a 30-day month."""
    days = (end - start).days + 1
    return round(consumption_kwh * 30 / days)


async def vehicle_registered(
    session: AsyncSession,
    *,
    vehicle_id: uuid.UUID,
    plate: str,
    owner: str,
    vehicle_type: str,
    make: str,
    model: str,
    model_year: int,
    engine_cc: int | None,
    governorate: str,
    at: datetime,
    evidence: FactRef | None = None,
) -> None:
    await session.execute(
        text(_VEHICLE_REGISTERED),
        {
            "vehicle_id": vehicle_id,
            "plate": plate,
            "owner": owner,
            "at": at,
            "type": vehicle_type,
            "make": make,
            "model": model,
            "year": model_year,
            "cc": engine_cc,
            "gov": governorate,
            "evidence": _json(evidence),
        },
    )


async def vehicle_transferred(
    session: AsyncSession,
    *,
    vehicle_id: uuid.UUID,
    plate: str,
    to_owner: str,
    at: datetime,
    evidence: FactRef | None = None,
) -> None:
    await session.execute(
        text(_VEHICLE_TRANSFERRED),
        {"vehicle_id": vehicle_id, "plate": plate, "owner": to_owner, "at": at, "evidence": _json(evidence)},
    )


async def consumption_reported(
    session: AsyncSession,
    *,
    meter_id: str,
    subscriber: str,
    governorate: str,
    start: date,
    end: date,
    kwh: int,
    at: datetime,
    evidence: FactRef | None = None,
) -> None:
    await session.execute(
        text(_METER),
        {
            "meter": meter_id,
            "nid": subscriber,
            "gov": governorate,
            "start": start,
            "end": end,
            "kwh": kwh,
            "monthly": monthly_kwh(kwh, start, end),
            "at": at,
            "evidence": _json(evidence),
        },
    )


async def fees_reported(
    session: AsyncSession,
    *,
    student: str,
    academic_year: str,
    guardian: str,
    school_id: str,
    school_type: str,
    fees_piastres: int,
    at: datetime,
    evidence: FactRef | None = None,
) -> None:
    await session.execute(
        text(_FEES),
        {
            "student": student,
            "year": academic_year,
            "guardian": guardian,
            "school": school_id,
            "type": school_type,
            "fees": fees_piastres,
            "at": at,
            "evidence": _json(evidence),
        },
    )
