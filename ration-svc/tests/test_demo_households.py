"""The demo's cards come from the civil registry's family links (`ration.households.plan`), and
loading them twice makes them once (`ration.demo.load_cards`, real PostgreSQL)."""

from __future__ import annotations

from datetime import date

from ration_support import RULES_2025, nid, now
from sqlalchemy import func, select

from kit.registry import RegistryEntry
from ration import demo
from ration.cards.models import Household, Member
from ration.eligibility.models import Decision
from ration.households import plan
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn

EXTRACT_DAY = date(2025, 6, 1)


def person(born: date, sex: str = "male", **values) -> RegistryEntry:
    national_id = nid(born=born.strftime("%y%m%d"), male=sex == "male")
    fields = {"governorate": "03", "alive": True, "marital_status": "single", **values}
    return RegistryEntry(national_id=national_id, birth_date=born, sex=sex, **fields)


def couple(husband_born: date, wife_born: date, **wife) -> tuple[RegistryEntry, RegistryEntry]:
    husband = person(husband_born, marital_status="married")
    partner = person(wife_born, "female", marital_status="married", spouse_national_id=husband.national_id, **wife)
    husband.spouse_national_id = partner.national_id
    return husband, partner


def child(father: RegistryEntry, mother: RegistryEntry, born: date, **values) -> RegistryEntry:
    return person(born, father_national_id=father.national_id, mother_national_id=mother.national_id, **values)


class TestPlan:
    def test_families_become_cards_and_last_years_births_wait(self):
        husband, wife = couple(date(1980, 1, 1), date(1984, 1, 1))
        older, newborn = child(husband, wife, date(2010, 5, 5)), child(husband, wife, date(2025, 3, 1))
        widow = person(date(1950, 2, 2), "female", marital_status="widowed")
        late = person(date(1945, 3, 3), alive=False, marital_status="married", spouse_national_id=widow.national_id)
        widow.spouse_national_id = late.national_id
        orphan_mother = person(date(1960, 1, 1), "female", alive=False)
        orphan_father = person(date(1958, 1, 1), alive=False)
        eldest, younger = (
            child(orphan_father, orphan_mother, date(1990, 1, 1)),
            child(orphan_father, orphan_mother, date(2008, 1, 1)),
        )
        ex_husband = person(date(1975, 1, 1), marital_status="divorced")
        ex_wife = person(date(1978, 1, 1), "female", marital_status="divorced")
        their_son = child(ex_husband, ex_wife, date(2005, 1, 1))
        single = person(date(1999, 9, 9))
        minor_alone = person(date(2024, 1, 1))  # no parents in the extract, not an adult: no card
        people = [husband, wife, older, newborn, widow, late, orphan_mother, orphan_father, eldest, younger,
                  ex_husband, ex_wife, their_son, single, minor_alone, person(EXTRACT_DAY)]  # fmt: skip

        cards = {c.holder: c for c in plan(people)}

        assert cards[husband.national_id].members == [(wife.national_id, "spouse"), (older.national_id, "child")]
        assert cards[husband.national_id].newborns == [newborn.national_id]
        assert wife.national_id not in cards
        assert cards[widow.national_id].members == []
        assert late.national_id not in cards
        assert cards[eldest.national_id].members == [(younger.national_id, "other")]
        assert cards[ex_wife.national_id].members == [(their_son.national_id, "child")]
        assert cards[ex_husband.national_id].members == []
        assert cards[single.national_id].members == []
        assert minor_alone.national_id not in cards
        on_cards = [nid for c in cards.values() for nid in (c.holder, *(m for m, _ in c.members), *c.newborns)]
        assert len(on_cards) == len(set(on_cards))  # nobody on two cards


class TestLoad:
    async def test_cards_are_made_once_and_some_are_excluded(self, sessions):
        async with sessions() as session, session.begin():
            draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
            await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test")
        people = []
        for year in range(1960, 1960 + demo.CAR_EVERY + 1):
            husband, wife = couple(date(year, 1, 1), date(year + 2, 1, 1))
            people += [husband, wife, child(husband, wife, date(year + 25, 1, 1))]
        people.append(person(EXTRACT_DAY))
        plans = plan(people)
        async with sessions() as session, session.begin():
            total, made = await demo.load_cards(session, plans)
        assert total == len(made) == demo.CAR_EVERY + 1
        async with sessions() as session, session.begin():
            assert await demo.load_cards(session, plans) == (total, [])
        async with sessions() as session:
            members = await session.scalar(
                select(func.count()).select_from(Member).where(Member.household_id.in_(made))
            )
            decisions = (
                await session.execute(
                    select(Household.card_number, Decision.eligible, Decision.entitlement_piastres)
                    .join(Decision, Decision.id == Household.current_decision_id)
                    .where(Household.id.in_(made))
                    .order_by(Household.card_number)
                )
            ).all()
        assert members == 3 * total
        excluded = [row for row in decisions if not row.eligible]
        assert [row.card_number for row in excluded] == [demo.card_number("03", demo.CAR_EVERY)]
        assert excluded[0].entitlement_piastres == 0
        assert all(row.entitlement_piastres == 3 * 5000 for row in decisions if row.eligible)
