"""Rule sets as data: drafted and edited by officers (audited), simulated per governorate on real
data, scheduled, and applied with a set-based re-evaluation of every household."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from ration_support import RULES_2025, nid, now, settings, started
from sqlalchemy import text

from kit.clock import ManualClock
from kit.testing import eventually
from ration import scheduler
from ration.audit import repository as audit
from ration.cards import service as cards
from ration.cards.models import Household
from ration.facts import repository as facts

EN = {"Accept-Language": "en"}


def rules_with(version: str, min_model_year: int) -> dict:
    body = {**RULES_2025, "version": version}
    body["rules"] = [dict(r) for r in RULES_2025["rules"]]
    body["rules"][0]["min_model_year"] = min_model_year
    return body


@pytest.fixture(scope="module")
async def api(ration_url, nats_server, tokens):
    async with started(settings(ration_url, nats_server.url), tokens) as (_, client):
        yield client, tokens


async def card_with_car(sessions, governorate: str, year: int) -> uuid.UUID:
    holder = nid(governorate=governorate)
    async with sessions() as session, session.begin():
        card = await cards.create_household(
            session, governorate=governorate, supply_office="SO", holder_national_id=holder, now=now()
        )
        await facts.vehicle_registered(
            session,
            vehicle_id=uuid.uuid4(),
            plate="1",
            owner=holder,
            vehicle_type="private_car",
            make="Fiat",
            model="Tipo",
            model_year=year,
            engine_cc=1400,
            governorate=governorate,
            at=now(),
        )
    return card.id


async def eligible(sessions, card_id) -> bool | None:
    async with sessions() as session:
        return (await session.get(Household, card_id, populate_existing=True)).current_eligible


class TestRuleSets:
    async def test_draft_simulate_schedule_apply(self, api, sessions):
        client, tokens = api
        officer = {**tokens.officer("01"), **EN}
        first = await client.post("/v1/ration-rules", json=rules_with("2019.1", 2015), headers=officer)
        assert first.status_code == 201, first.text
        applied = await client.post(
            f"/v1/ration-rules/{first.json()['id']}/schedule",
            json={"effective_from": now().isoformat()},
            headers=officer,
        )
        assert applied.json()["status"] == "active"

        cairo_2016 = await card_with_car(sessions, "01", 2016)
        giza_2018 = await card_with_car(sessions, "21", 2018)
        async with sessions() as session, session.begin():
            await scheduler.tick(session, now=now())  # nothing due; the facts above were stored without evaluation
        draft = await client.post("/v1/ration-rules", json=rules_with("2025.2", 2017), headers=officer)
        draft_id = draft.json()["id"]

        simulated = await client.post(f"/v1/ration-rules/{draft_id}/simulation", headers=officer)
        assert simulated.status_code == 200, simulated.text
        by_gov = {g["governorate"]: g for g in simulated.json()["governorates"]}
        assert by_gov["21"]["excluded"] >= 1
        assert by_gov["21"]["by_reason"]["car_model_year"] >= 1
        assert by_gov["01"]["by_reason"].get("car_model_year", 0) == 0  # a 2016 car passes under 2017+

        edited = await client.patch(
            f"/v1/ration-rules/{draft_id}", json={"rules": rules_with("x", 2016)["rules"]}, headers=officer
        )
        assert edited.status_code == 200
        when = now() + timedelta(days=1)
        scheduled = await client.post(
            f"/v1/ration-rules/{draft_id}/schedule", json={"effective_from": when.isoformat()}, headers=officer
        )
        assert scheduled.json()["status"] == "scheduled"
        again = await client.patch(f"/v1/ration-rules/{draft_id}", json={"notes": "late"}, headers=officer)
        assert again.status_code == 409
        assert again.json()["code"] == "rule_set_not_draft"

        async with sessions() as session, session.begin():
            result = await scheduler.tick(session, now=when + timedelta(seconds=1))
        assert result["applied"][0]["version"] == "2025.2"
        assert await eligible(sessions, cairo_2016) is False  # 2016 ≥ the edited threshold
        assert await eligible(sessions, giza_2018) is False
        async with sessions() as session:
            trail = [e.action for e in await audit.for_target(session, target_id=draft_id)]
            assert trail == ["rule_set.drafted", "rule_set.edited", "rule_set.scheduled", "rule_set.applied"]
            events = (
                await session.execute(
                    text("SELECT count(*) FROM ration.outbox WHERE aggregate_id = ANY(:ids)"),
                    {"ids": [str(cairo_2016), str(giza_2018)]},
                )
            ).scalar_one()
            assert events == 2
            statuses = dict((await session.execute(text("SELECT version, status FROM ration.rule_sets"))).all())
            assert statuses == {"2019.1": "retired", "2025.2": "active"}

    async def test_templates_may_only_name_facts_the_rule_knows(self, api):
        client, tokens = api
        body = rules_with("bad.1", 2017)
        body["rules"][0]["explanation_en"] = "A car of {colour}"
        response = await client.post("/v1/ration-rules", json=body, headers={**tokens.officer(), **EN})
        assert response.status_code == 422
        assert "colour" in response.json()["errors"][0]["reason"]

    async def test_only_ration_officers_edit_rules(self, api):
        client, tokens = api
        for headers in (tokens.citizen(nid()), tokens.integrator("ration.import")):
            assert (
                await client.post("/v1/ration-rules", json=rules_with("z.1", 2017), headers=headers)
            ).status_code == 403
        assert (await client.get("/v1/ration-rules")).status_code == 401

    async def test_a_version_is_used_once(self, api):
        client, tokens = api
        body = rules_with("dup.1", 2017)
        assert (await client.post("/v1/ration-rules", json=body, headers=tokens.officer())).status_code == 201
        response = await client.post("/v1/ration-rules", json=body, headers={**tokens.officer(), **EN})
        assert response.status_code == 409
        assert "dup.1" in response.json()["detail"]


class TestSweep:
    async def test_a_due_rule_set_goes_live_by_the_sweep_on_the_services_clock(
        self, api, ration_url, nats_server, tokens
    ):
        client, _ = api
        officer = {**tokens.officer(), **EN}
        draft = (await client.post("/v1/ration-rules", json=rules_with("sweep.1", 2017), headers=officer)).json()
        when = now() + timedelta(days=3)
        scheduled = await client.post(
            f"/v1/ration-rules/{draft['id']}/schedule", json={"effective_from": when.isoformat()}, headers=officer
        )
        assert scheduled.json()["status"] == "scheduled"
        later = settings(ration_url, nats_server.url, run_consumers=False, run_relay=False)  # another replica
        async with started(later, tokens, clock=ManualClock(when + timedelta(minutes=1))) as (_, replica):

            async def live():
                found = await replica.get(f"/v1/ration-rules/{draft['id']}", headers=officer)
                return found.json()["status"] == "active"

            await eventually(live)  # its sweep ran as it started, three days on by its clock
        assert (await client.get(f"/v1/ration-rules/{draft['id']}", headers=officer)).json()["applied_at"] is not None
