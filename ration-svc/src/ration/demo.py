"""`python -m ration.demo`: demo data for `make run` (idempotent, a few seconds).

The 2025.1 rule set (EGP 50 per member, cap EGP 200, 30-day appeal window; car 2017+, over
650 kWh a month, school fees EGP 20,000+, salary over EGP 9,600, 10+ feddans), and a ration card
for every household of the demo civil registry, so an enrolled demo citizen sees their card.

The households come from identity-svc's registry over its internal HTTP API (the extract page by
page, `kit.registry`), as any service learns registry facts: ration imports none of identity's
code, and the registry's bulk extract never travels as events (only later changes do), so the
HTTP API is the one place both demos can agree on. Children born in the extract's last year are
left off the cards (a holder can ask to add them: the registry proves it); a few households are
excluded by a car or their electricity use, to show an exclusion and its reasons.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit import db
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from kit.registry import Registry
from ration.cards import service as cards
from ration.cards.models import Household
from ration.eligibility import service as eligibility
from ration.facts import repository as facts
from ration.households import Plan, plan
from ration.models import Base
from ration.rules import service as rules
from ration.rules.repository import RuleSetRepository
from ration.rules.schemas import RuleSetIn
from ration.settings import Settings

SUPPLY_OFFICE = "{governorate}-01"
CAR_EVERY, METER_EVERY = 12, 19
"""Every 12th card's holder owns a recent car, every 19th uses too much electricity (excluded)."""

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


def card_number(governorate: str, index: int) -> str:
    return f"{governorate}{index:012d}"


async def _exclusions(session: AsyncSession, cards_: list[tuple[int, Plan]]) -> None:
    at = datetime(2024, 3, 2, tzinfo=UTC)
    for index, card in cards_:
        if index % CAR_EVERY == 0:
            await facts.vehicle_registered(
                session, vehicle_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-car-{card.holder}"),
                plate=f"ب ج د {index:04d}", owner=card.holder, vehicle_type="private_car", make="Hyundai",
                model="Elantra", model_year=2018 + index % 6, engine_cc=1600, governorate=card.governorate, at=at,
            )  # fmt: skip
        elif index % METER_EVERY == 0:
            await facts.consumption_reported(
                session, meter_id=f"DEMO-{card.holder}", subscriber=card.holder, governorate=card.governorate,
                start=(at - timedelta(days=29)).date(), end=at.date(), kwh=700 + index, at=at,
            )  # fmt: skip


async def load_cards(session: AsyncSession, plans: list[Plan]) -> tuple[int, list[uuid.UUID]]:
    """Create the cards not made yet (by their demo numbers), then decide them in one pass."""
    numbered = [(i, card_number(card.governorate, i), card) for i, card in enumerate(plans, start=1)]
    existing = set(
        await session.scalars(
            select(Household.card_number).where(Household.card_number.in_([n for _, n, _ in numbered]))
        )
    )
    made: list[uuid.UUID] = []
    for _, number, card in (row for row in numbered if row[1] not in existing):
        household = await cards.create_household(
            session, governorate=card.governorate, supply_office=SUPPLY_OFFICE.format(governorate=card.governorate),
            holder_national_id=card.holder, members=card.members, card_number=number, source="demo", evaluate=False,
        )  # fmt: skip
        made.append(household.id)
    await _exclusions(session, [(i, card) for i, number, card in numbered if number not in existing])
    await eligibility.reevaluate_households(session, household_ids=made, trigger="demo")
    return len(numbered), made


async def main() -> None:
    settings = Settings()
    engine = db.create_engine(settings.database_url, pool_size=1)
    binding = OutboxBinding(messaging_tables(Base.metadata), source=settings.service_name)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
    try:
        async with httpx.AsyncClient() as http:
            registry = Registry(
                http,
                settings.identity_url,
                settings.identity_internal_token.get_secret_value(),
                attempts=5,
                backoff=1.0,
            )
            people = [person async for person in registry.everyone()]
        plans = plan(people)
        async with db.transaction(sessions) as session:
            if await RuleSetRepository(session).by_version("2025.1") is None:
                draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES), actor="demo")
                await rules.schedule(session, rule_set_id=draft.id, effective_from=datetime.now(UTC), actor="demo")
            total, made = await load_cards(session, plans)
    finally:
        await engine.dispose()
    print(f"  ration: {total} cards for the demo registry's households ({len(made)} new)")
    example = next((c for c in plans if c.newborns and c.governorate == "03"), None) or next(
        (c for c in plans if c.newborns), None
    )
    if example is not None:
        print(
            f"  ration: holder {example.holder} can add the newborn {example.newborns[0]} "
            "(POST /v1/ration-card/{card_id}/member-requests, the civil registry proves it)"
        )


if __name__ == "__main__":
    asyncio.run(main())
