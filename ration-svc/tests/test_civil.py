"""Civil-registry changes to cards (marriage, divorce, address) and the engine-size rule, through
the event handlers the consumer calls (real PostgreSQL; each event applied twice, as a
redelivery past the inbox would be, changes nothing the second time)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from ration_support import RULES_2025, new_card, nid, now
from sqlalchemy import select, text

from contracts import Envelope
from contracts.events.civil import AddressChanged, DivorceRegistered, MarriageRegistered
from kit.clock import SYSTEM
from kit.service import EventContext
from ration.audit import repository as audit
from ration.cards import handlers
from ration.cards import service as cards
from ration.cards.models import Household, Member
from ration.eligibility import service as eligibility
from ration.eligibility.models import Decision
from ration.facts import repository as facts
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn
from ration.settings import Settings

ENGINE_RULE = {
    "code": "big_engine",
    "kind": "vehicle_engine_cc",
    "min_engine_cc": 2000,
    "explanation_ar": "سيارة {make} بمحرك {engine_cc} سي سي",
    "explanation_en": "A {make} car with a {engine_cc} cc engine",
}


@pytest.fixture(scope="module", autouse=True)
async def active_rules(sessions):
    data = {**RULES_2025, "version": "2025.engine", "rules": [*RULES_2025["rules"], ENGINE_RULE]}
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(data), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())


async def deliver(sessions, handler, event) -> None:
    """The handler as the consumer calls it: its event and the event's context (the civil
    handlers read only the clock of it, so no resources are built here)."""
    ctx = EventContext(
        settings=Settings(), resources=None, clock=SYSTEM, envelope=Envelope.wrap(event, source="civil-registry")
    )
    async with sessions() as session, session.begin():
        await handler(session, event, ctx)


async def card_of(sessions, national_id: str) -> Household | None:
    async with sessions() as session:
        return await cards.HouseholdRepository(session).of_member(national_id)


async def members_of(sessions, card_id) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.scalars(select(Member).where(Member.household_id == card_id, Member.removed_at.is_(None)))
        return {m.national_id: m.relation for m in rows}


async def latest(sessions, card_id) -> Decision:
    async with sessions() as session:
        return (
            await session.scalars(
                select(Decision).where(Decision.household_id == card_id).order_by(Decision.decided_at.desc()).limit(1)
            )
        ).one()


def _marriage(husband: str, wife: str) -> MarriageRegistered:
    return MarriageRegistered(
        marriage_id=uuid.uuid4(), husband_national_id=husband, wife_national_id=wife, marriage_date=date(2025, 5, 1),
        governorate="03", registered_at=now(),
    )  # fmt: skip


class TestMarriage:
    async def test_the_bride_moves_from_her_parents_card_to_her_husbands(self, sessions):
        bride = nid(born="000505", male=False)
        parents, _ = await new_card(sessions, (bride, "child"))
        husbands, husband = await new_card(sessions)
        event = _marriage(husband, bride)
        for _ in range(2):
            await deliver(sessions, handlers.on_marriage, event)
        assert await members_of(sessions, husbands.id) == {husband: "holder", bride: "spouse"}
        assert bride not in await members_of(sessions, parents.id)
        assert (await latest(sessions, husbands.id)).entitlement_piastres == 2 * 5000
        assert (await latest(sessions, parents.id)).entitlement_piastres == 5000
        async with sessions() as session:
            moved = await session.scalar(
                select(Member.removed_reason).where(Member.national_id == bride, Member.removed_at.is_not(None))
            )
        assert moved == "married"

    async def test_a_bride_who_holds_her_own_card_keeps_it(self, sessions):
        own, bride = await new_card(sessions, holder=nid(born="900101", male=False))
        _husbands, husband = await new_card(sessions)
        await deliver(sessions, handlers.on_marriage, _marriage(husband, bride))
        assert (await card_of(sessions, bride)).id == own.id


class TestDivorce:
    async def test_the_former_wife_gets_her_own_card_once(self, sessions):
        wife, son = nid(born="900202", male=False), nid(born="150101")
        shared, husband = await new_card(sessions, (wife, "spouse"), (son, "child"))
        event = DivorceRegistered(
            marriage_id=uuid.uuid4(), husband_national_id=husband, wife_national_id=wife,
            divorce_date=date(2025, 6, 1), governorate="03", registered_at=now(),
        )  # fmt: skip
        for _ in range(2):
            await deliver(sessions, handlers.on_divorce, event)
        assert await members_of(sessions, shared.id) == {husband: "holder", son: "child"}
        own = await card_of(sessions, wife)
        assert own is not None
        assert own.id != shared.id
        assert (own.holder_national_id, own.governorate, own.supply_office) == (wife, "03", "PS-01")
        assert await members_of(sessions, own.id) == {wife: "holder"}
        async with sessions() as session:
            cards_held = await session.scalar(
                text("SELECT count(*) FROM ration.households WHERE holder_national_id = :n"), {"n": wife}
            )
        assert cards_held == 1
        assert (await latest(sessions, shared.id)).entitlement_piastres == 2 * 5000
        assert (await latest(sessions, own.id)).entitlement_piastres == 5000

    async def test_spouses_on_different_cards_change_nothing(self, sessions):
        card_a, a = await new_card(sessions)
        card_b, b = await new_card(sessions, holder=nid(male=False))
        event = DivorceRegistered(
            marriage_id=uuid.uuid4(), husband_national_id=a, wife_national_id=b, divorce_date=date(2025, 6, 1),
            governorate="03", registered_at=now(),
        )  # fmt: skip
        await deliver(sessions, handlers.on_divorce, event)
        assert (await card_of(sessions, a)).id == card_a.id
        assert (await card_of(sessions, b)).id == card_b.id


class TestAddress:
    async def test_the_card_follows_its_holder_to_another_governorate(self, sessions):
        card, holder = await new_card(sessions)
        moved = AddressChanged(
            national_id=holder, governorate="01", district_ar="مصر الجديدة", address_ar="شارع الحجاز ١٢",
            changed_at=datetime(2025, 7, 1, 9, tzinfo=UTC),
        )  # fmt: skip
        for _ in range(2):
            await deliver(sessions, handlers.on_address, moved)
        now_card = await card_of(sessions, holder)
        assert (now_card.governorate, now_card.supply_office) == ("01", cards.UNASSIGNED_OFFICE)
        async with sessions() as session:
            entries = [e for e in await audit.for_target(session, target_id=str(card.id)) if e.action == "card.moved"]
        assert len(entries) == 1
        assert entries[0].details["from_governorate"] == "03"

        stale = AddressChanged(
            national_id=holder, governorate="03", district_ar="حي الشرق", address_ar="شارع النيل",
            changed_at=datetime(2025, 6, 1, 9, tzinfo=UTC),
        )  # fmt: skip
        await deliver(sessions, handlers.on_address, stale)  # older than the move: ignored
        assert (await card_of(sessions, holder)).governorate == "01"

    async def test_a_members_move_leaves_the_card_alone(self, sessions):
        son = nid(born="990909")
        await new_card(sessions, (son, "child"))
        event = AddressChanged(national_id=son, governorate="02", district_ar="حي", address_ar="شارع", changed_at=now())
        await deliver(sessions, handlers.on_address, event)
        assert (await card_of(sessions, son)).governorate == "03"


class TestEngineRule:
    async def test_a_big_engine_excludes_and_the_explanation_names_it(self, sessions):
        card, holder = await new_card(sessions)
        for cc, year in ((1600, 2010), (2000, 2012)):  # old cars: only the engine rule can apply
            async with sessions() as session, session.begin():
                await facts.vehicle_registered(
                    session, vehicle_id=uuid.uuid4(), plate="ب ج د 1", owner=holder, vehicle_type="private_car",
                    make="Mercedes", model="E200", model_year=year, engine_cc=cc, governorate="03",
                    at=datetime(2024, 3, 2, tzinfo=UTC),
                )  # fmt: skip
                await eligibility.reevaluate_persons(session, national_ids=[holder], trigger="test", now=now())
            decision = await latest(sessions, card.id)
            if cc < 2000:
                assert decision.eligible
        assert not decision.eligible
        assert decision.reason_codes == ["big_engine"]
        assert decision.reasons[0]["explanation_en"] == "A Mercedes car with a 2000 cc engine"
        assert "٢٠٠٠" in decision.reasons[0]["explanation_ar"]
