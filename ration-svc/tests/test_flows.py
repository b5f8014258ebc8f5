"""End to end against real PostgreSQL and NATS: facts arrive as events from other authorities,
decisions are published as `ration.eligibility.changed.v1`, citizens read and appeal them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from ration_support import RULES_2025, new_card, nid, now, settings, started
from sqlalchemy import func, select

from contracts import Envelope, Event
from contracts.events.civil import BirthRegistered, DeathRegistered
from contracts.events.ration import AppealDecided, EligibilityChanged
from contracts.events.traffic import VehicleRegistered, VehicleTransferred
from kit.testing import eventually, signed, stream_messages
from ration import scheduler
from ration.cards.models import Member
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn

EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
async def client(ration_url, nats_server, tokens, sessions):
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())
    async with started(settings(ration_url, nats_server.url), tokens) as (_, http):
        yield http


async def publish(js, event: Event, *, msg_id: str | None = None) -> Envelope:
    envelope = Envelope.wrap(event, source="traffic-integrator")
    await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": msg_id or str(envelope.id)})
    return envelope


async def redeliver(js, envelope: Envelope) -> None:
    """The same event again under another Nats-Msg-Id, so only the inbox can stop it."""
    await js.publish(envelope.type, signed(envelope), headers={"Nats-Msg-Id": str(uuid.uuid4())})


def registered(owner: str, year: int, vehicle_id: uuid.UUID | None = None) -> VehicleRegistered:
    return VehicleRegistered(
        vehicle_id=vehicle_id or uuid.uuid4(),
        plate_number="ب ج د 4321",
        owner_national_id=owner,
        vehicle_type="private_car",
        make="Kia",
        model="Cerato",
        model_year=year,
        engine_cc=1600,
        governorate="03",
        registered_at=datetime(2024, 3, 2, 10, tzinfo=UTC),
    )


async def published(js, card_id) -> list[EligibilityChanged]:
    if (await js.stream_info("RATION")).state.messages == 0:  # kit.testing.stream_messages asks for seq 0
        return []
    msgs = await stream_messages(js, "RATION", EligibilityChanged.subject)
    events = [Envelope.from_bytes(m.data).event() for m in msgs]
    return [e for e in events if isinstance(e, EligibilityChanged) and e.card_id == card_id]


async def card_view(client, tokens, national_id: str) -> dict:
    response = await client.get("/v1/ration-card", headers={**tokens.citizen(national_id), **EN})
    assert response.status_code == 200, response.text
    return response.json()


class TestCarEvents:
    async def test_a_car_event_excludes_and_a_sale_restores(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        car = registered(holder, 2019)
        await publish(js, car)

        async def excluded():
            events = await published(js, card.id)
            return events if events and not events[-1].eligible else None

        [event] = await eventually(excluded)
        assert event.reasons[0].code == "car_model_year"
        assert "Kia" in event.reasons[0].explanation_en
        assert "2019" in event.reasons[0].explanation_en
        assert "2024-03-02" in event.reasons[0].explanation_en
        view = await card_view(client, tokens, holder)
        assert view["decision"]["eligible"] is False
        assert view["decision"]["appealable"] is True
        assert "model 2019, registered 2024-03-02" in view["decision"]["reasons"][0]["explanation"]

        buyer = nid()
        await publish(
            js,
            VehicleTransferred(
                vehicle_id=car.vehicle_id,
                plate_number=car.plate_number,
                from_national_id=holder,
                to_national_id=buyer,
                transferred_at=now(),
            ),
        )

        async def restored():
            events = await published(js, card.id)
            return events if len(events) == 2 else None

        events = await eventually(restored)
        assert [e.eligible for e in events] == [False, True]
        view = await card_view(client, tokens, holder)
        assert [d["eligible"] for d in view["history"]] == [True, False, True]  # newest first

    async def test_arabic_is_the_default_language(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        await publish(js, registered(holder, 2020))

        async def excluded():
            return await published(js, card.id)

        await eventually(excluded)
        response = await client.get("/v1/ration-card", headers=tokens.citizen(holder))
        assert "٢٠٢٠" in response.json()["decision"]["reasons"][0]["explanation"]


class TestCivilEvents:
    async def test_a_birth_delivered_twice_adds_the_newborn_once(self, client, js, tokens, sessions):
        mother = nid(born="950303", male=False)
        card, holder = await new_card(sessions, (mother, "spouse"))
        child = nid(born="250101")
        birth = BirthRegistered(
            child_national_id=child,
            first_name_ar="ليلى",
            full_name_ar="ليلى أحمد محمود",
            birth_date=datetime(2025, 1, 1).date(),
            sex="female",
            governorate="03",
            father_national_id=holder,
            mother_national_id=mother,
            registered_at=now(),
        )
        envelope = await publish(js, birth)
        await redeliver(js, envelope)

        async def added():
            view = await card_view(client, tokens, holder)
            return view if any(m["national_id"] == child for m in view["members"]) else None

        view = await eventually(added)
        assert view["decision"]["entitlement_piastres"] == 3 * 5000
        await publish(
            js, DeathRegistered(national_id=nid(), date_of_death=now().date(), governorate="03", registered_at=now())
        )  # a marker event behind the duplicate

        async def both_handled():
            async with sessions() as session:
                n = await session.scalar(select(func.count()).select_from(Member).where(Member.national_id == child))
            return n

        assert await eventually(both_handled) == 1
        view = await card_view(client, tokens, child)  # the newborn is on the card too
        assert view["id"] == str(card.id)

    async def test_a_death_removes_the_member_and_the_spouse_becomes_holder(self, client, js, tokens, sessions):
        wife = nid(born="880808", male=False)
        _card, holder = await new_card(sessions, (wife, "spouse"))
        await publish(
            js, DeathRegistered(national_id=holder, date_of_death=now().date(), governorate="03", registered_at=now())
        )

        async def removed():
            view = await card_view(client, tokens, wife)
            return view if len(view["members"]) == 1 else None

        view = await eventually(removed)
        assert view["holder_national_id"] == wife
        assert view["decision"]["entitlement_piastres"] == 5000


class TestCardAccess:
    async def test_another_citizens_card_is_not_found(self, client, tokens, sessions):
        mine, me = await new_card(sessions)
        theirs, _ = await new_card(sessions)
        assert (await client.get(f"/v1/ration-card/{mine.id}", headers=tokens.citizen(me))).status_code == 200
        response = await client.get(f"/v1/ration-card/{theirs.id}", headers={**tokens.citizen(me), **EN})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "ration_card_not_found"

    async def test_no_card_and_no_token(self, client, tokens):
        assert (await client.get("/v1/ration-card", headers=tokens.citizen(nid()))).status_code == 404
        assert (await client.get("/v1/ration-card")).status_code == 401
        assert (await client.get("/v1/ration-card", headers=tokens.officer())).status_code == 403


class TestAppeals:
    async def test_an_accepted_appeal_overrides_until_its_expiry(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        await publish(js, registered(holder, 2022))

        async def excluded():
            return await published(js, card.id)

        await eventually(excluded)
        filed = await client.post(
            f"/v1/ration-card/{card.id}/appeals",
            json={"grounds": "the car belongs to my employer / السيارة ملك جهة العمل"},
            headers=tokens.citizen(holder),
        )
        assert filed.status_code == 201, filed.text
        appeal = filed.json()
        again = await client.post(
            f"/v1/ration-card/{card.id}/appeals", json={"grounds": "once more please"}, headers=tokens.citizen(holder)
        )
        assert again.status_code == 409
        assert again.json()["code"] == "appeal_already_open"

        queue = await client.get("/v1/appeals", headers=tokens.officer("03"))
        assert appeal["id"] in [a["id"] for a in queue.json()["items"]]
        other_gov = await client.get(f"/v1/appeals/{appeal['id']}", headers=tokens.officer("01"))
        assert other_gov.status_code == 404

        until = now() + timedelta(days=90)
        decided = await client.post(
            f"/v1/appeals/{appeal['id']}/decision",
            json={"outcome": "accepted", "reason": "employer's car", "override_until": until.isoformat()},
            headers=tokens.officer("03"),
        )
        assert decided.status_code == 200, decided.text
        view = await card_view(client, tokens, holder)
        assert view["decision"]["eligible"] is True
        assert view["decision"]["overridden_by_appeal"] == appeal["id"]
        events = await eventually(lambda: _count(js, card.id, 2))
        assert events[-1].eligible
        assert events[-1].override_until == until.date()
        [told] = await eventually(lambda: _appeal_decided(js, appeal["id"]))
        assert (told.outcome, told.override_until, told.filed_by_national_id) == ("accepted", until.date(), holder)
        assert (told.reason, told.card_id) == ("employer's car", card.id)

        twice = await client.post(
            f"/v1/appeals/{appeal['id']}/decision",
            json={"outcome": "rejected", "reason": "changed my mind"},
            headers=tokens.officer("03"),
        )
        assert twice.status_code == 409

        async with sessions() as session, session.begin():  # the override runs out
            await scheduler.tick(session, now=until + timedelta(seconds=1))
        view = await card_view(client, tokens, holder)
        assert view["decision"]["eligible"] is False
        assert view["decision"]["overridden_by_appeal"] is None

    async def test_an_eligible_household_cannot_appeal(self, client, tokens, sessions):
        card, holder = await new_card(sessions)
        response = await client.post(
            f"/v1/ration-card/{card.id}/appeals", json={"grounds": "nothing to appeal"}, headers=tokens.citizen(holder)
        )
        assert response.status_code == 409
        assert response.json()["code"] == "not_excluded"

    async def test_a_rejected_appeal_is_explained(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        await publish(js, registered(holder, 2023))
        await eventually(lambda: _count(js, card.id, 1))
        appeal = (
            await client.post(
                f"/v1/ration-card/{card.id}/appeals",
                json={"grounds": "the car was sold"},
                headers=tokens.citizen(holder),
            )
        ).json()
        decided = await client.post(
            f"/v1/appeals/{appeal['id']}/decision",
            json={"outcome": "rejected", "reason": "traffic still lists you as owner"},
            headers=tokens.officer("03"),
        )
        assert decided.json()["status"] == "rejected"
        mine = await client.get(f"/v1/appeals/{appeal['id']}", headers=tokens.citizen(holder))
        assert mine.json()["outcome_reason"] == "traffic still lists you as owner"
        assert (await card_view(client, tokens, holder))["decision"]["eligible"] is False
        [told] = await eventually(lambda: _appeal_decided(js, appeal["id"]))
        assert (told.outcome, told.override_until, told.reason) == (
            "rejected",
            None,
            "traffic still lists you as owner",
        )

    async def test_a_decision_validation_error_is_bilingual(self, client, tokens):
        response = await client.post(
            f"/v1/appeals/{uuid.uuid4()}/decision",
            json={"outcome": "accepted", "reason": "ok"},
            headers={**tokens.officer("03"), **EN},
        )
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} >= {"body.reason"}


async def _count(js, card_id, n: int):
    events = await published(js, card_id)
    return events if len(events) >= n else None


async def _appeal_decided(js, appeal_id: str) -> list[AppealDecided]:
    msgs = await stream_messages(js, "RATION", AppealDecided.subject)
    events = [Envelope.from_bytes(m.data).event() for m in msgs]
    return [e for e in events if isinstance(e, AppealDecided) and str(e.appeal_id) == appeal_id]
