"""Eligibility decided from facts, one household at a time (service level, real PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from ration_support import RULES_2025, new_card, nid, now
from sqlalchemy import select, text

from contracts import Envelope
from contracts.events.ration import EligibilityChanged
from ration.eligibility import service as eligibility
from ration.eligibility.models import Decision
from ration.facts import repository as facts
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn


@pytest.fixture(scope="module", autouse=True)
async def active_rules(sessions):
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())


async def car(sessions, owner: str, *, year: int, vehicle_id: uuid.UUID | None = None, kind: str = "private_car"):
    vehicle_id = vehicle_id or uuid.uuid4()
    async with sessions() as session, session.begin():
        await facts.vehicle_registered(
            session,
            vehicle_id=vehicle_id,
            plate="ب ج د 1234",
            owner=owner,
            vehicle_type=kind,
            make="Hyundai",
            model="Elantra",
            model_year=year,
            engine_cc=1600,
            governorate="03",
            at=now().replace(year=2024, month=3, day=2),
        )
        await eligibility.reevaluate_persons(session, national_ids=[owner], trigger="test", now=now())
    return vehicle_id


async def decisions_of(sessions, card_id) -> list[Decision]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Decision).where(Decision.household_id == card_id).order_by(Decision.decided_at)
        )
        return list(rows)


async def events_for(sessions, card_id) -> list[EligibilityChanged]:
    async with sessions() as session:
        payloads = await session.scalars(
            text("SELECT payload FROM ration.outbox WHERE aggregate_id = :a ORDER BY seq"), {"a": str(card_id)}
        )
        return [Envelope.from_bytes(p).event() for p in payloads]


class TestFirstDecision:
    async def test_a_new_household_is_eligible_with_its_entitlement(self, sessions):
        spouse, child = nid(born="920202", male=False), nid(born="150505")
        card, _ = await new_card(sessions, (spouse, "spouse"), (child, "child"))
        [decision] = await decisions_of(sessions, card.id)
        assert decision.eligible
        assert decision.members_count == 3
        assert decision.entitlement_piastres == 3 * 5000
        assert decision.rules_version == "2025.1"
        assert await events_for(sessions, card.id) == []  # nothing changed for the citizen

    async def test_entitlement_is_capped_per_card(self, sessions):
        children = [(nid(born="100101"), "child") for _ in range(5)]
        card, _ = await new_card(sessions, *children)
        [decision] = await decisions_of(sessions, card.id)
        assert decision.members_count == 6
        assert decision.entitlement_piastres == 20000


class TestCar:
    async def test_a_new_car_excludes_and_the_explanation_names_it(self, sessions):
        card, holder = await new_card(sessions)
        await car(sessions, holder, year=2019)
        history = await decisions_of(sessions, card.id)
        assert [d.eligible for d in history] == [True, False]
        reason = history[-1].reasons[0]
        assert reason["code"] == "car_model_year"
        assert reason["explanation_en"] == "The household owns a car, Hyundai model 2019, registered 2024-03-02"
        assert "٢٠١٩" in reason["explanation_ar"]
        assert "٢٠٢٤-٠٣-٠٢" in reason["explanation_ar"]
        assert reason["fact"]["model_year"] == 2019
        [event] = await events_for(sessions, card.id)
        assert not event.eligible
        assert event.appealable
        assert event.appeal_deadline == date.today() + timedelta(days=30)
        assert event.reasons[0].explanation_en == reason["explanation_en"]
        assert event.holder_national_id == holder
        assert event.governorate == "03"

    async def test_an_old_car_or_a_truck_does_not_exclude(self, sessions):
        card, holder = await new_card(sessions)
        await car(sessions, holder, year=2010)
        await car(sessions, holder, year=2022, kind="truck")
        assert [d.eligible for d in await decisions_of(sessions, card.id)] == [True]

    async def test_selling_the_car_restores_eligibility(self, sessions):
        card, holder = await new_card(sessions)
        vehicle = await car(sessions, holder, year=2020)
        async with sessions() as session, session.begin():
            await facts.vehicle_transferred(session, vehicle_id=vehicle, plate="ب ج د 1234", to_owner=nid(), at=now())
            await eligibility.reevaluate_persons(session, national_ids=[holder], trigger="test", now=now())
        assert [d.eligible for d in await decisions_of(sessions, card.id)] == [True, False, True]
        events = await events_for(sessions, card.id)
        assert [e.eligible for e in events] == [False, True]

    async def test_the_same_fact_twice_changes_nothing(self, sessions):
        card, holder = await new_card(sessions)
        vehicle = await car(sessions, holder, year=2021)
        await car(sessions, holder, year=2021, vehicle_id=vehicle)
        assert len(await decisions_of(sessions, card.id)) == 2
        assert len(await events_for(sessions, card.id)) == 1

    async def test_a_members_car_counts_for_the_household(self, sessions):
        son = nid(born="990101")
        card, _ = await new_card(sessions, (son, "child"))
        await car(sessions, son, year=2023)
        assert not (await decisions_of(sessions, card.id))[-1].eligible


class TestOtherFacts:
    async def test_electricity_over_the_threshold_excludes(self, sessions):
        card, holder = await new_card(sessions)
        async with sessions() as session, session.begin():
            await facts.consumption_reported(
                session,
                meter_id=f"03-{uuid.uuid4().hex[:8]}",
                subscriber=holder,
                governorate="03",
                start=date(2025, 2, 1),
                end=date(2025, 2, 28),
                kwh=700,
                at=now(),
            )
            await eligibility.reevaluate_persons(session, national_ids=[holder], trigger="test", now=now())
        last = (await decisions_of(sessions, card.id))[-1]
        assert not last.eligible
        assert last.reason_codes == ["electricity_consumption"]
        assert "750 kWh" in last.reasons[0]["explanation_en"]  # 700 kWh over 28 days = 750 a 30-day month

    async def test_private_school_fees_and_a_car_give_two_reasons(self, sessions):
        child = nid(born="150101")
        card, holder = await new_card(sessions, (child, "child"))
        async with sessions() as session, session.begin():
            await facts.fees_reported(
                session,
                student=child,
                academic_year="2024/2025",
                guardian=holder,
                school_id="PS-0412",
                school_type="private",
                fees_piastres=4_500_000,
                at=now(),
            )
            await eligibility.reevaluate_persons(session, national_ids=[holder], trigger="test", now=now())
        await car(sessions, holder, year=2018)
        last = (await decisions_of(sessions, card.id))[-1]
        assert last.reason_codes == ["car_model_year", "private_school_fees"]
        assert "EGP 45000" in last.reasons[1]["explanation_en"]
        # Still excluded, for one more reason: the citizen is told again, with both.
        events = await events_for(sessions, card.id)
        assert [[r.code for r in e.reasons] for e in events] == [
            ["private_school_fees"],
            ["car_model_year", "private_school_fees"],
        ]
