"""The registry mirror: the synthetic generator, the CSV bulk load, and the civil-status events."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest
from identity_support import add_person, enrol, new_national_id, publish, start
from sqlalchemy import text

from contracts.events.civil import (
    AddressChanged,
    BirthRegistered,
    DeathRegistered,
    DivorceRegistered,
    MarriageRegistered,
)
from contracts.governorates import GOVERNORATES
from contracts.national_id import BIRTH_CODES, age_on, parse
from identity import demo
from identity.models import load_all
from identity.registry import service as registry
from identity.registry.generate import write_csv
from kit import db
from kit.testing import eventually

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def generated(people: int, seed: int = 3) -> list[dict[str, str]]:
    return extract(people, seed)[0]


def extract(people: int, seed: int = 3) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The people and the marriage records of a generated extract."""
    out, marriages = io.StringIO(), io.StringIO()
    write_csv(out, people, seed=seed, today=TODAY, marriages=marriages)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), list(csv.DictReader(io.StringIO(marriages.getvalue())))


class TestGenerator:
    def test_ids_are_valid_unique_and_consistent(self):
        rows = generated(20_000)
        assert len({r["national_id"] for r in rows}) == 20_000
        for row in rows:
            nid = parse(row["national_id"], today=TODAY)
            assert nid.birth_date.isoformat() == row["birth_date"]
            assert nid.sex == row["sex"]
            assert nid.governorate in BIRTH_CODES
        assert {r["governorate"] for r in rows} == {g.code for g in GOVERNORATES}

    def test_families_link_parents_children_and_spouses(self):
        rows = generated(3000)
        by_id = {r["national_id"]: r for r in rows}
        children = [r for r in rows if r["mother_national_id"]]
        assert len(children) > 500
        for child in children:
            mother, father = by_id[child["mother_national_id"]], by_id[child["father_national_id"]]
            assert child["mother_first_name_ar"] == mother["first_name_ar"]
            assert child["full_name_ar"].split()[-1] == father["full_name_ar"].split()[-1]
            assert age_on(date.fromisoformat(mother["birth_date"]), date.fromisoformat(child["birth_date"])) >= 18
        married = [r for r in rows if r["marital_status"] == "married"]
        assert married
        assert all(by_id[r["spouse_national_id"]]["spouse_national_id"] == r["national_id"] for r in married)
        assert any(r["alive"] == "false" for r in rows)
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in r["full_name_ar"]) for r in rows)

    def test_same_seed_same_registry(self):
        assert extract(500, seed=9) == extract(500, seed=9)
        assert extract(500, seed=9) != extract(500, seed=10)


@pytest.fixture(scope="module", params=[(demo.PEOPLE, demo.SEED), (20_000, 3)], ids=["demo", "20k"])
def family_registry(request):
    """(people, marriage records, people by ID, records by spouse) of a generated extract."""
    people, marriages = extract(*request.param)
    by_id = {r["national_id"]: r for r in people}
    records: dict[str, list[dict[str, str]]] = {}
    for m in marriages:
        for spouse in (m["husband_national_id"], m["wife_national_id"]):
            records.setdefault(spouse, []).append(m)
    return people, marriages, by_id, records


class TestGeneratedMarriages:
    """Marriage and divorce records agree with every person's marital status, spouse, children
    and death (the demo registry is 2,000 people of seed 2025; a larger one is checked too)."""

    def test_every_record_names_two_adults_of_the_registry(self, family_registry):
        people, marriages, by_id, _ = family_registry
        assert len(marriages) > len(people) / 6
        assert len({m["marriage_id"] for m in marriages}) == len(marriages)
        governorates = {g.code for g in GOVERNORATES}
        for m in marriages:
            husband, wife = by_id[m["husband_national_id"]], by_id[m["wife_national_id"]]
            assert (husband["sex"], wife["sex"]) == ("male", "female")
            married_on = date.fromisoformat(m["marriage_date"])
            assert TODAY > married_on
            assert m["governorate"] in governorates
            for spouse in (husband, wife):
                assert age_on(date.fromisoformat(spouse["birth_date"]), married_on) >= 18
                if spouse["alive"] == "false":
                    assert spouse["date_of_death"] > max(m["marriage_date"], m["divorce_date"])

    def test_married_and_widowed_people_have_their_current_marriage(self, family_registry):
        people, _, by_id, records = family_registry
        for person in (p for p in people if p["marital_status"] in ("married", "widowed")):
            current = [m for m in records.get(person["national_id"], []) if not m["divorce_date"]]
            assert len(current) == 1, person
            spouse = by_id[person["spouse_national_id"]]
            assert {current[0]["husband_national_id"], current[0]["wife_national_id"]} == {
                person["national_id"],
                spouse["national_id"],
            }
            assert spouse["spouse_national_id"] == person["national_id"]
            if person["marital_status"] == "widowed":
                assert spouse["alive"] == "false"
                assert person["alive"] == "true" or person["date_of_death"] > spouse["date_of_death"]
            elif spouse["marital_status"] == "widowed":
                assert person["alive"] == "false"  # died first

    def test_divorced_people_have_an_ended_marriage_and_no_spouse(self, family_registry):
        people, marriages, _, records = family_registry
        divorced = [p for p in people if p["marital_status"] == "divorced"]
        assert divorced, "the registry has divorced people"
        assert len(divorced) == 2 * sum(1 for m in marriages if m["divorce_date"])
        for person in divorced:
            assert person["spouse_national_id"] == ""
            ended = [m for m in records[person["national_id"]] if m["divorce_date"]]
            assert len(ended) == 1
            assert ended[0]["divorce_date"] > ended[0]["marriage_date"]
        singles = [p for p in people if p["marital_status"] == "single"]
        assert not [p for p in singles if p["national_id"] in records or p["spouse_national_id"]]

    def test_children_are_born_to_their_parents_marriage(self, family_registry):
        people, _, by_id, records = family_registry
        children = [p for p in people if p["father_national_id"]]
        assert len(children) > len(people) / 3
        for child in children:
            father, mother = by_id[child["father_national_id"]], by_id[child["mother_national_id"]]
            marriage = next(m for m in records[father["national_id"]] if m["wife_national_id"] == mother["national_id"])
            assert marriage["marriage_date"] < child["birth_date"] <= (marriage["divorce_date"] or TODAY.isoformat())
            for parent in (father, mother):
                assert parent["alive"] == "true" or parent["date_of_death"] > child["birth_date"]

    def test_some_people_have_died(self, family_registry):
        people = family_registry[0]
        dead = [p for p in people if p["alive"] == "false"]
        assert 0 < len(dead) < len(people) / 10
        assert all(p["birth_date"] < p["date_of_death"] < TODAY.isoformat() for p in dead)


class TestBulkLoad:
    async def test_people_and_marriages_load_consistently(self, engine, tmp_path):
        """The extract as the demo loads it: the mirror's marriages agree with its people."""
        load_all()
        people, marriages = tmp_path / "people.csv", tmp_path / "marriages.csv"
        with people.open("w", encoding="utf-8", newline="") as out, marriages.open("w", encoding="utf-8") as rec:
            write_csv(out, demo.PEOPLE, seed=demo.SEED, today=demo.TODAY, marriages=rec)
        records = sum(1 for _ in marriages.open(encoding="utf-8")) - 1
        sessions = db.sessionmaker(engine)
        async with db.transaction(sessions) as session:
            await session.execute(text("TRUNCATE identity.persons, identity.marriages"))
            assert await registry.load_extract(session, path=people, marriages=marriages) == demo.PEOPLE + records
        async with db.transaction(sessions) as session:
            assert await registry.load_extract(session, path=people, marriages=marriages) == 0
        async with engine.connect() as conn:
            orphans = await conn.scalar(
                text(
                    "SELECT count(*) FROM identity.persons p WHERE p.marital_status IN ('married', 'widowed')"
                    " AND NOT EXISTS (SELECT 1 FROM identity.marriages m WHERE m.divorce_date IS NULL AND"
                    " ((m.husband_national_id, m.wife_national_id) = (p.national_id, p.spouse_national_id) OR"
                    "  (m.wife_national_id, m.husband_national_id) = (p.national_id, p.spouse_national_id)))"
                )
            )
            divorced = await conn.scalar(
                text(
                    "SELECT count(*) FROM identity.persons p WHERE p.marital_status = 'divorced'"
                    " AND EXISTS (SELECT 1 FROM identity.marriages m WHERE m.divorce_date IS NOT NULL AND"
                    " p.national_id IN (m.husband_national_id, m.wife_national_id))"
                )
            )
            unknown_parents = await conn.scalar(
                text(
                    "SELECT count(*) FROM identity.persons c WHERE c.father_national_id IS NOT NULL AND NOT EXISTS"
                    " (SELECT 1 FROM identity.persons f WHERE f.national_id = c.father_national_id)"
                )
            )
        assert (orphans, unknown_parents) == (0, 0)
        assert divorced > 0

    async def test_copy_load_then_reload_changes_nothing(self, engine, tmp_path):
        load_all()
        path = tmp_path / "extract.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            write_csv(out, 2000, seed=11, today=TODAY)
        sessions = db.sessionmaker(engine)
        async with db.transaction(sessions) as session:
            assert await registry.load_extract(session, path=path) == 2000
        async with db.transaction(sessions) as session:
            assert await registry.load_extract(session, path=path) == 0
        first = next(csv.DictReader(path.open(encoding="utf-8")))
        async with db.transaction(sessions) as session:
            person = await registry.get_person(session, national_id=first["national_id"])
        assert person is not None
        assert person.full_name_ar == first["full_name_ar"]
        assert person.birth_date.isoformat() == first["birth_date"]


class TestCivilEvents:
    async def test_a_birth_creates_the_child_in_the_mirror(self, app, engine, settings):
        mother = await add_person(engine, sex="female", first_name_ar="هدى", district_ar="حي الزهور")
        child_id = new_national_id(born=date(2025, 5, 30), sex="female")
        await publish(
            settings.nats_url,
            BirthRegistered(
                child_national_id=child_id, first_name_ar="ليلى", full_name_ar="ليلى أحمد محمود",
                birth_date=date(2025, 5, 30), sex="female", governorate="03",
                mother_national_id=mother["national_id"], registered_at=NOW,
            ),
        )  # fmt: skip

        async def child():
            async with engine.connect() as conn:
                return (
                    await conn.execute(text("SELECT * FROM identity.persons WHERE national_id = :n"), {"n": child_id})
                ).first()

        row = await eventually(child)
        assert row is not None
        assert (row.mother_first_name_ar, row.district_ar, row.alive) == ("هدى", "حي الزهور", True)

    async def test_a_death_stops_enrolment_and_ends_sessions(self, app, client, engine, settings):
        person = await add_person(engine)
        enrolled = await enrol(app, client, person)
        other = await add_person(engine)
        for nid in (person["national_id"], other["national_id"]):
            await publish(
                settings.nats_url,
                DeathRegistered(national_id=nid, date_of_death=date(2025, 5, 1), governorate="03", registered_at=NOW),
            )

        async def both_dead():
            async with engine.connect() as conn:
                return (
                    await conn.execute(
                        text("SELECT count(*) FROM identity.persons WHERE national_id IN (:a, :b) AND NOT alive"),
                        {"a": person["national_id"], "b": other["national_id"]},
                    )
                ).scalar() == 2

        assert await eventually(both_dead)
        assert (await start(client, other, "01099999999")).json()["code"] == "enrolment_deceased"
        refresh = await client.post("/v1/sessions/refresh", json={"refresh_token": enrolled["tokens"]["refresh_token"]})
        assert refresh.status_code == 401

    async def test_marriage_divorce_and_address(self, app, engine, settings):
        husband, wife = await add_person(engine), await add_person(engine, sex="female")
        marriage = uuid.uuid4()
        events = [
            MarriageRegistered(marriage_id=marriage, husband_national_id=husband["national_id"],
                               wife_national_id=wife["national_id"], marriage_date=date(2020, 1, 1),
                               governorate="03", registered_at=NOW),
            AddressChanged(national_id=wife["national_id"], governorate="21", district_ar="الدقي",
                           address_ar="٥ شارع التحرير", changed_at=NOW),
            DivorceRegistered(marriage_id=marriage, husband_national_id=husband["national_id"],
                              wife_national_id=wife["national_id"], divorce_date=date(2024, 1, 1),
                              governorate="03", registered_at=NOW),
        ]  # fmt: skip
        for event in events:
            await publish(settings.nats_url, event)

        async def settled():
            async with engine.connect() as conn:
                rows = (
                    await conn.execute(
                        text("SELECT national_id, marital_status, governorate, spouse_national_id FROM identity.persons"
                             " WHERE national_id IN (:a, :b) ORDER BY sex DESC"),
                        {"a": husband["national_id"], "b": wife["national_id"]},
                    )
                ).all()  # fmt: skip
                divorced = (
                    await conn.execute(text("SELECT divorce_date FROM identity.marriages WHERE marriage_id = :m"),
                                       {"m": marriage})
                ).scalar()  # fmt: skip
            return rows if divorced and all(r.marital_status == "divorced" for r in rows) else None

        rows = await eventually(settled)
        assert rows, "the events were not applied"
        assert [r.spouse_national_id for r in rows] == [None, None]
        assert [r.governorate for r in rows] == ["03", "21"]

    async def test_the_same_event_twice_has_one_effect(self, app, engine, settings):
        mother = await add_person(engine, sex="female")
        child_id = new_national_id(born=date(2025, 4, 4))
        event = BirthRegistered(
            child_national_id=child_id, first_name_ar="آدم", full_name_ar="آدم علي حسن", birth_date=date(2025, 4, 4),
            sex="male", governorate="03", mother_national_id=mother["national_id"], registered_at=NOW,
        )  # fmt: skip
        envelope = await publish(settings.nats_url, event)
        await publish(settings.nats_url, event, envelope_id=envelope.id)

        async def count():
            async with engine.connect() as conn:
                return (
                    await conn.execute(
                        text("SELECT count(*) FROM identity.persons WHERE national_id = :n"), {"n": child_id}
                    )
                ).scalar()

        assert await eventually(count) == 1
