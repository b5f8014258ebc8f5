"""`python -m ration.demo`: demo data for `make run` (idempotent, a second or two).

The 2025.1 rule set (EGP 50 per member, cap EGP 200, 30-day appeal window; car 2017+, over
650 kWh a month, school fees EGP 20,000+, salary over EGP 9,600, 10+ feddans) and two Port
Said households: 29001011234567 (eligible, three members) and 29505152345678 (excluded: a 2022 car).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from kit import db
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from ration.cards import service as cards
from ration.cards.models import Household
from ration.eligibility import service as eligibility
from ration.facts import repository as facts
from ration.models import Base
from ration.rules import service as rules
from ration.rules.repository import RuleSetRepository
from ration.rules.schemas import RuleSetIn
from ration.settings import Settings

RULES = {
    "version": "2025.1",
    "subsidy_per_member_piastres": 5000,
    "card_cap_piastres": 20000,
    "appeal_window_days": 30,
    "notes": "EGP 50 per person per month since July 2017; criteria of the later reports.",
    "rules": [
        {
            "code": "car_model_year",
            "kind": "vehicle_model_year",
            "min_model_year": 2017,
            "explanation_ar": "تملك الأسرة سيارة {make} موديل {model_year} مسجلة بتاريخ {registered_on}",
            "explanation_en": "The household owns a car, {make} model {model_year}, registered {registered_on}",
        },
        {
            "code": "electricity_consumption",
            "kind": "electricity_monthly_kwh",
            "max_monthly_kwh": 650,
            "explanation_ar": "استهلاك الكهرباء {monthly_kwh} ك.و.س شهريًا للعداد {meter_id}",
            "explanation_en": "Electricity use of {monthly_kwh} kWh a month on meter {meter_id}",
        },
        {
            "code": "private_school_fees",
            "kind": "school_fees",
            "min_annual_fees_piastres": 2_000_000,
            "explanation_ar": "مصروفات مدرسية {annual_fees_egp} جنيه للعام {academic_year}",
            "explanation_en": "School fees of EGP {annual_fees_egp} for {academic_year}",
        },
        {
            "code": "salary",
            "kind": "monthly_salary",
            "max_monthly_salary_piastres": 960_000,
            "explanation_ar": "راتب شهري {monthly_salary_egp} جنيه",
            "explanation_en": "A monthly salary of EGP {monthly_salary_egp}",
        },
        {
            "code": "farmland",
            "kind": "land_feddans",
            "min_feddans": "10",
            "explanation_ar": "حيازة زراعية {feddans} فدان",
            "explanation_en": "Farmland of {feddans} feddans",
        },
    ],
}


async def main() -> None:
    settings = Settings()
    engine = db.create_engine(settings.database_url, pool_size=1)
    binding = OutboxBinding(messaging_tables(Base.metadata), source=settings.service_name)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
    try:
        async with db.transaction(sessions) as session:
            if await RuleSetRepository(session).by_version("2025.1") is None:
                draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES), actor="demo")
                await rules.schedule(session, rule_set_id=draft.id, effective_from=datetime.now(UTC), actor="demo")
            if await session.scalar(select(Household).where(Household.card_number == "030000000001")) is None:
                await cards.create_household(
                    session,
                    governorate="03",
                    supply_office="PS-East-01",
                    holder_national_id="29001011234567",
                    members=[("29203031234568", "spouse"), ("31801010123456", "child")],
                    card_number="030000000001",
                    source="demo",
                )
            if await session.scalar(select(Household).where(Household.card_number == "030000000002")) is None:
                await cards.create_household(
                    session,
                    governorate="03",
                    supply_office="PS-East-01",
                    holder_national_id="29505152345678",
                    card_number="030000000002",
                    source="demo",
                )
                await facts.vehicle_registered(
                    session,
                    vehicle_id=uuid.UUID("0b9e2d34-8f3c-4e8a-a1f2-7c6d5e4f3a21"),
                    plate="ب ج د 1234",
                    owner="29505152345678",
                    vehicle_type="private_car",
                    make="Hyundai",
                    model="Elantra",
                    model_year=2022,
                    engine_cc=1600,
                    governorate="03",
                    at=datetime(2024, 3, 2, tzinfo=UTC),
                )
                await eligibility.reevaluate_persons(session, national_ids=["29505152345678"], trigger="demo")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
