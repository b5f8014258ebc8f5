"""An application from start to outcome on the Takaful and Karama definition: facts filled in
from the registry and the read models, answers checked, the rules' refusal with reasons and its
appeal, an officer's queue by governorate with its service-level time, escalation, decision, a
signed document; and the version an application started on kept whatever is published later."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from applications_support import Harness, definition, new_nid

from contracts.events.electricity import ConsumptionReported
from contracts.events.traffic import VehicleRegistered
from kit.document_signing import verify
from kit.testing import eventually

URL = "/v1/applications"
CODE = "takaful.support.apply"


@pytest.fixture(scope="module", autouse=True)
async def published(harness: Harness) -> dict[str, Any]:
    return await harness.publish_definition(definition(CODE))


def mother(harness: Harness, children: int = 2) -> str:
    """A married mother in Port Said with `children` children under 18."""
    nid = harness.registry.person(new_nid("1985-03-10"), sex="female", marital_status="married")
    for _ in range(children):
        harness.registry.person(new_nid("2015-06-01"), mother_national_id=nid)
    return nid


async def start(harness: Harness, headers: dict[str, str]) -> dict[str, Any]:
    started = await harness.http.post(URL, json={"service_code": CODE}, headers=headers)
    assert started.status_code == 201, started.text
    body: dict[str, Any] = started.json()
    return body


ELIGIBLE = {
    "programme": "takaful",
    "household_size": 4,
    "monthly_income": 300000,
    "housing": "rented",
    "monthly_rent": 80000,
}


async def answer(harness: Harness, app: dict[str, Any], headers: dict[str, str], answers: dict[str, Any]) -> Any:
    return await harness.http.put(f"{URL}/{app['id']}/answers", json={"answers": answers}, headers=headers)


async def submit(harness: Harness, app: dict[str, Any], headers: dict[str, str]) -> Any:
    return await harness.http.post(
        f"{URL}/{app['id']}/submission", json={"channel": "web", "method": "wallet"}, headers=headers
    )


class TestStartAndAnswer:
    async def test_facts_are_filled_in_and_conditions_ask_only_what_applies(self, harness: Harness) -> None:
        me = harness.citizen(mother(harness))
        app = await start(harness, me)
        assert app["status"] == "draft"
        assert app["facts"]["children_under_18"] == 2
        assert app["facts"]["private_cars"] == 0
        assert app["definition_version"] >= 1
        asked = [q["question"]["id"] for q in app["questions"]]
        assert "monthly_rent" not in asked  # only when rented
        answered = await answer(harness, app, me, {"housing": "rented"})
        assert "monthly_rent" in [q["question"]["id"] for q in answered.json()["questions"]]
        check = (await harness.http.get(f"{URL}/{app['id']}/check", headers=me)).json()
        assert check["ready"] is False
        assert set(check["missing"]) == {"programme", "household_size", "monthly_income", "monthly_rent"}

    async def test_bad_answers_are_named_and_nothing_is_saved(self, harness: Harness) -> None:
        me = harness.citizen(mother(harness))
        app = await start(harness, me)
        refused = await answer(
            harness, app, me, {"programme": "gold", "household_size": 0, "has_disability": True, "shoe_size": 44}
        )
        assert refused.status_code == 422
        found = {(e["field"], e["code"]) for e in refused.json()["errors"]}
        assert found == {
            ("body.answers.programme", "not_a_choice"),
            ("body.answers.household_size", "below_min"),
            ("body.answers.has_disability", "not_asked"),
            ("body.answers.shoe_size", "unknown_question"),
        }
        arabic = await answer(harness, app, {**me, "Accept-Language": "ar"}, {"programme": "gold"})
        assert arabic.json()["errors"][0]["reason"] == "اختر أحد الخيارات المعروضة."
        missing = await submit(harness, app, me)
        assert missing.status_code == 422
        assert missing.json()["code"] == "answers_missing"

    async def test_someone_elses_application_does_not_exist(self, harness: Harness) -> None:
        app = await start(harness, harness.citizen(mother(harness)))
        other = await harness.http.get(f"{URL}/{app['id']}", headers=harness.citizen(mother(harness)))
        assert other.status_code == 404


class TestRulesAndReview:
    async def test_a_car_refuses_at_once_with_the_reason_then_the_appeal_is_decided_by_an_officer(
        self, harness: Harness
    ) -> None:
        nid = mother(harness)
        await harness.publish_event(
            VehicleRegistered(
                vehicle_id=uuid.uuid4(),
                plate_number="ب ج د ١٢٣",
                owner_national_id=nid,
                vehicle_type="private_car",
                make="Hyundai",
                model="Elantra",
                model_year=2019,
                governorate="03",
                registered_at=datetime.now(UTC),
            )
        )
        me = harness.citizen(nid)

        async def has_car() -> dict[str, Any] | None:
            app = await start(harness, me)
            return app if app["facts"]["private_cars"] == 1 else None

        app = await eventually(has_car, "the traffic department's news in the read model")
        await answer(harness, app, me, ELIGIBLE)
        refused = (await submit(harness, app, me)).json()
        assert refused["status"] == "refused"
        assert refused["outcome"] == "refused"
        assert [r["code"] for r in refused["reasons"]] == ["no_private_car"]
        assert "private car" in refused["reasons"][0]["text_en"]
        assert refused["payment"] is None
        appealed = await harness.http.post(
            f"{URL}/{app['id']}/appeal", json={"grounds": "The car was sold last year."}, headers=me
        )
        assert appealed.json()["status"] == "in_review"
        assert appealed.json()["appeal"] is True
        decided = await harness.http.post(
            f"/v1/application-reviews/{app['id']}/decision",
            headers=harness.officer(),
            json={
                "outcome": "refused",
                "reason_ar": "السيارة ما زالت مسجلة باسمك.",
                "reason_en": "The car is still registered to you.",
            },
        )
        assert decided.json()["status"] == "refused"
        assert decided.json()["appeal_deadline"] is None  # an appeal's decision is final
        again = await harness.http.post(f"{URL}/{app['id']}/appeal", json={"grounds": "Please look again."}, headers=me)
        assert again.status_code == 409
        steps = (await harness.http.get(f"{URL}/{app['id']}/history", headers=me)).json()["items"]
        assert [s["step"] for s in steps] == [
            "started",
            "answered",
            "submitted",
            "decided",
            "appealed",
            "queued",
            "decided",
        ]

    async def test_eligible_goes_to_its_governorates_officer_who_approves_and_a_signed_document_is_issued(
        self, harness: Harness
    ) -> None:
        me = harness.citizen(mother(harness))
        app = await start(harness, me)
        await answer(harness, app, me, ELIGIBLE)
        submitted = (await submit(harness, app, me)).json()
        assert submitted["status"] == "in_review"  # free: no payment; the definition asks an officer
        assert submitted["amount_piastres"] == 0
        assert submitted["due_at"] is not None
        elsewhere = await harness.http.get(f"/v1/application-reviews/{app['id']}", headers=harness.officer("01"))
        assert elsewhere.status_code == 404
        queue = (await harness.http.get("/v1/application-reviews", headers=harness.officer())).json()
        assert app["id"] in [a["id"] for a in queue["items"]]
        approved = await harness.http.post(
            f"/v1/application-reviews/{app['id']}/decision",
            headers=harness.officer(),
            json={"outcome": "approved", "reason_ar": "الأسرة مستحقة.", "reason_en": "The household is eligible."},
        )
        assert approved.json()["status"] == "fulfilled"
        document = (await harness.http.get(f"{URL}/{app['id']}/document", headers=me)).json()
        check = await harness.http.get(
            f"/v1/application-documents/{document['number']}/verification",
            params={"code": document["verification_code"]},
        )
        assert check.status_code == 200
        assert check.json()["status"] == "valid"
        assert verify(check.json()["key"]["x"], check.json()["signature"], check.json()["canonical"].encode())
        assert check.json()["content"]["fields"][1]["value"] == "takaful"
        wrong = await harness.http.get(
            f"/v1/application-documents/{document['number']}/verification", params={"code": "WRONGCODE1"}
        )
        assert wrong.status_code == 404

    async def test_high_consumption_is_referred_and_escalated_past_the_service_level_time(
        self, harness: Harness
    ) -> None:
        nid = mother(harness)
        await harness.publish_event(
            ConsumptionReported(
                meter_id=f"M-{uuid.uuid4().hex[:8]}",
                subscriber_national_id=nid,
                governorate="03",
                period_start=datetime(2026, 10, 1).date(),
                period_end=datetime(2026, 10, 30).date(),
                consumption_kwh=900,
                reported_at=datetime.now(UTC),
            )
        )
        me = harness.citizen(nid)

        async def high() -> dict[str, Any] | None:
            app = await start(harness, me)
            return app if app["facts"]["electricity_kwh_month"] == 900 else None

        app = await eventually(high, "the electricity company's reading in the read model")
        await answer(harness, app, me, ELIGIBLE)
        submitted = (await submit(harness, app, me)).json()
        assert submitted["rules"] == "referred"
        assert [r["code"] for r in submitted["reasons"]] == ["modest_consumption"]
        harness.clock.advance(timedelta(hours=73))

        async def escalated() -> bool:
            found = (await harness.http.get(f"{URL}/{app['id']}", headers=me)).json()
            return found["escalated_at"] is not None

        await eventually(escalated, "the escalation sweep")
        queue = await harness.http.get(
            "/v1/application-reviews", params={"escalated": "true"}, headers=harness.officer()
        )
        assert app["id"] in [a["id"] for a in queue.json()["items"]]


class TestVersions:
    async def test_an_application_keeps_the_version_it_started_on(
        self, harness: Harness, published: dict[str, Any]
    ) -> None:
        me = harness.citizen(mother(harness))
        old = await start(harness, me)
        changed = copy.deepcopy(definition(CODE))
        changed["questions"].append(
            {
                "id": "phone_landline",
                "type": "text",
                "required": True,
                "label": {"ar": "الهاتف الأرضي", "en": "Landline"},
            }
        )
        newer = await harness.publish_definition(changed)
        assert newer["version"] > old["definition_version"]
        kept = (await harness.http.get(f"{URL}/{old['id']}", headers=me)).json()
        assert kept["definition_version"] == old["definition_version"]
        assert "phone_landline" not in [q["question"]["id"] for q in kept["questions"]]
        await answer(harness, old, me, ELIGIBLE)
        assert (await submit(harness, old, me)).json()["status"] == "in_review"  # no new question asked of it
        fresh = await start(harness, harness.citizen(mother(harness)))
        assert fresh["definition_version"] == newer["version"]
        assert "phone_landline" in [q["question"]["id"] for q in fresh["questions"]]


class TestAppealWindow:
    async def test_an_appeal_after_the_window_is_refused_naming_the_last_day(self, harness: Harness) -> None:
        me = harness.citizen(mother(harness, children=0))  # Takaful needs children: refused by the rules
        app = await start(harness, me)
        asked = {q["question"]["id"] for q in app["questions"]}
        await answer(
            harness, app, me, {**ELIGIBLE, **({"phone_landline": "066 322 1234"} if "phone_landline" in asked else {})}
        )
        refused = (await submit(harness, app, me)).json()
        assert [r["code"] for r in refused.get("reasons", [])] == ["takaful_has_children"], refused
        assert refused["appeal_deadline"] is not None
        harness.clock.advance(timedelta(days=31))
        late = await harness.http.post(
            f"{URL}/{app['id']}/appeal", json={"grounds": "I was abroad all month."}, headers=me
        )
        assert late.status_code == 409
        assert late.json()["code"] == "appeal_window_closed"
