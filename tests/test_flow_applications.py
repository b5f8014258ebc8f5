"""Services defined as data, end to end through the gateway, with no code written for any of
them: Takaful and Karama support (rules, an officer's refusal, the appeal, approval, a signed
decision), a vehicle licence renewal (the vehicle from the traffic department's event, the fee
paid through payment-svc, a parcel posted with its tracking number), a commercial-registry
extract (the company from the registry's event, paid, a signed document anyone verifies), and
a fourth service an administrator adds by data alone (its tariff and roll-out in the catalogue,
its definition published) which a citizen then completes. The catalogue follows each one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from applications_support import (
    GOVERNORATE,
    apply,
    authority,
    citizens,
    definition,
    pay_and_wait,
    publish,
    publish_fact,
    staff_token,
    verified,
)

from contracts.events.registry import CompanyRegistered
from contracts.events.traffic import VehicleRegistered
from kit.document_signing import verify
from kit.testing import eventually


async def offered(client: httpx.AsyncClient, code: str) -> None:
    async def live() -> bool:
        return bool((await client.get(f"/v1/services/{code}")).json()["status"] == "live")

    await eventually(live, f"the catalogue to offer {code}")


async def test_three_coming_services_run_as_definitions(platform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        admin = await staff_token(client, platform, "admin")
        officer = await staff_token(client, platform, "case_officer", governorate=GOVERNORATE)
        takaful, driver, trader = await citizens(client, 3)
        code = "takaful.support.apply"
        assert (await client.get(f"/v1/services/{code}")).json()["status"] == "coming"
        for service in (code, "traffic.licence.renew_vehicle", "registry.commercial.extract"):
            await publish(client, admin, definition(service))
            await offered(client, service)

        # Takaful and Karama: the rules pass, an officer refuses, the appeal is approved.
        answers = {
            "programme": "karama",
            "household_size": 2,
            "monthly_income": 100000,
            "housing": "owned",
            "has_disability": True,
        }
        app = await apply(takaful, code, answers)
        assert app["status"] == "in_review", app
        assert app["facts"]["full_name_ar"] == takaful.person["full_name_ar"]
        refusal = {
            "outcome": "refused",
            "reason_ar": "لم تثبت الإعاقة بعد.",
            "reason_en": "The disability is not certified yet.",
        }
        path = f"/v1/application-reviews/{app['id']}/decision"
        refused = (await client.post(path, json=refusal, headers=officer)).json()
        assert refused["status"] == "refused"
        assert refused["reasons"][0]["text_en"] == "The disability is not certified yet."
        arabic = await client.get(f"/v1/applications/{app['id']}", headers={**takaful.auth, "Accept-Language": "ar"})
        assert arabic.json()["reasons"][0]["text_ar"] == "لم تثبت الإعاقة بعد."
        await takaful.send(
            "POST",
            f"/v1/applications/{app['id']}/appeal",
            expect=(200,),
            json={"grounds": "The certificate was issued last week."},
        )
        approval = {"outcome": "approved", "reason_ar": "ثبتت الإعاقة.", "reason_en": "The disability is certified."}
        approved = await client.post(path, json=approval, headers=officer)
        assert approved.json()["status"] == "fulfilled", approved.text
        document = await verified(client, takaful, app["id"])
        assert document["status"] == "valid"
        assert verify(document["key"]["x"], document["signature"], document["canonical"].encode())

        # Vehicle licence renewal: the vehicle from traffic's event, paid, posted with tracking.
        traffic = await authority(client, platform, "traffic.vehicle.registered.v1")
        plate = f"ر ن {uuid.uuid4().int % 1000}"
        await publish_fact(
            client,
            traffic,
            VehicleRegistered(
                vehicle_id=uuid.uuid4(),
                plate_number=plate,
                owner_national_id=driver.person["national_id"],
                vehicle_type="motorcycle",
                make="Bajaj",
                model="Boxer",
                model_year=2020,
                governorate="03",
                registered_at=datetime.now(UTC),
            ),
        )

        async def with_vehicle() -> dict[str, Any] | None:
            started = await driver.send(
                "POST", "/v1/applications", expect=(201,), json={"service_code": "traffic.licence.renew_vehicle"}
            )
            found: dict[str, Any] = started.json()
            if found["facts"]["vehicles"]:
                return found
            await driver.send("POST", f"/v1/applications/{found['id']}/cancellation", expect=(200,))
            return None

        draft = await eventually(with_vehicle, "the traffic department's vehicle in the read model")
        choices = next(q for q in draft["questions"] if q["question"]["id"] == "plate_number")["choices"]
        assert [c["plate_number"] for c in choices] == [plate]
        await driver.send(
            "PUT",
            f"/v1/applications/{draft['id']}/answers",
            expect=(200,),
            json={
                "answers": {
                    "plate_number": plate,
                    "inspection_passed": True,
                    "delivery_address": "١٢ شارع فلسطين، حي الشرق",
                }
            },
        )
        submitted = (
            await driver.send(
                "POST",
                f"/v1/applications/{draft['id']}/submission",
                expect=(200,),
                json={"channel": "web", "method": "wallet"},
            )
        ).json()
        assert submitted["amount_piastres"] == 15000 + 1000 + 2500 + 300 - 250  # the catalogue's quote
        posted = await pay_and_wait(driver, submitted, "fulfilled")
        assert posted["tracking_number"].startswith("EE")
        assert posted["tracking_number"].endswith("EG")
        assert posted["payment_id"] is not None
        history = (await driver.send("GET", f"/v1/applications/{draft['id']}/history", expect=(200,))).json()
        steps = [s["step"] for s in history["items"]]
        assert steps[steps.index("submitted") :] == ["submitted", "paid", "decided", "fulfilled"]

        # Commercial-registry extract: the company from the registry's event, a signed document.
        registry = await authority(client, platform, "registry.company.registered.v1")
        number = str(uuid.uuid4().int % 10**9)
        await publish_fact(
            client,
            registry,
            CompanyRegistered(
                registry_number=number,
                name_ar="شركة بورسعيد للتوريدات",
                legal_form="llc",
                owner_national_ids=(trader.person["national_id"],),
                capital_piastres=10_000_000,
                activity_ar="توريدات عامة",
                governorate="03",
                status="active",
                registered_at=datetime.now(UTC),
            ),
        )

        async def with_company() -> bool:
            started = await trader.send(
                "POST", "/v1/applications", expect=(201,), json={"service_code": "registry.commercial.extract"}
            )
            found = started.json()
            await trader.send("POST", f"/v1/applications/{found['id']}/cancellation", expect=(200,))
            return bool(found["facts"]["companies"])

        await eventually(with_company, "the registry's company in the read model")
        extract = await apply(trader, "registry.commercial.extract", {"registry_number": number, "purpose": "bank"})
        done = await pay_and_wait(trader, extract, "fulfilled")
        document = await verified(client, trader, done["id"])
        company = document["content"]["fields"][1]["value"]
        assert company["name_ar"] == "شركة بورسعيد للتوريدات"
        assert verify(document["key"]["x"], document["signature"], document["canonical"].encode())


EDUCATION = {
    "service_code": "education.fees.pay",
    "name": {"ar": "سداد المصروفات الدراسية", "en": "Pay school fees"},
    "facts": ["full_name_ar", "national_id"],
    "questions": [
        {
            "id": "student_national_id",
            "type": "text",
            "pattern": "[0-9]{14}",
            "label": {"ar": "الرقم القومي للطالب", "en": "The student's national ID"},
        },
        {
            "id": "term",
            "type": "choice",
            "label": {"ar": "الفصل الدراسي", "en": "Term"},
            "choices": [
                {"value": "first", "label": {"ar": "الأول", "en": "First"}},
                {"value": "second", "label": {"ar": "الثاني", "en": "Second"}},
            ],
        },
    ],
    "rules": [
        {
            "id": "not_self",
            "expression": "student_national_id != national_id",
            "explanation": {"ar": "الطالب غير مقدم الطلب.", "en": "The student is not the applicant."},
        }
    ],
    "fulfilment": {
        "kind": "document",
        "title": {"ar": "إيصال سداد المصروفات", "en": "School fees receipt"},
        "fields": [{"label": {"ar": "الطالب", "en": "Student"}, "source": "answers.student_national_id"}],
    },
    "review": {"mode": "rules", "sla_hours": 24, "appeal_days": 0},
}


async def test_a_fourth_service_added_by_data_alone(platform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        admin = await staff_token(client, platform, "admin")
        (parent,) = await citizens(client, 1, skip=3)
        code = EDUCATION["service_code"]
        drafted = await client.post("/v1/application-definitions", json=EDUCATION, headers=admin)
        refused = await client.post(
            f"/v1/application-definitions/{drafted.json()['id']}/publication",
            json={"reason": "too early"},
            headers=admin,
        )
        assert refused.status_code == 422  # the catalogue does not price it yet
        assert [e["code"] for e in refused.json()["errors"]] == ["fee_no_tariff"]
        tariff = {
            "channels": ["web", "mobile"],
            "methods": ["card", "wallet"],
            "reason": "school fees online",
            "components": [{"code": "base_fee", "amount_piastres": 150000}],
        }
        priced = await client.post(f"/v1/services/{code}/tariffs", json=tariff, headers=admin)
        assert priced.status_code == 201, priced.text
        rolled = await client.put(
            f"/v1/services/{code}/rollout/{GOVERNORATE}",  # where its citizens live
            headers=admin,
            json={"live_from": "2025-10-01T00:00:00+03:00", "pilot": True, "reason": "pilot"},
        )
        assert rolled.status_code == 200, rolled.text
        await publish(client, admin, EDUCATION)
        await offered(client, code)
        app = await apply(parent, code, {"student_national_id": "31503010312345", "term": "first"})
        assert app["amount_piastres"] == 150000
        paid = await pay_and_wait(parent, app, "fulfilled")
        document = await verified(client, parent, paid["id"])
        assert document["content"]["title_en"] == "School fees receipt"
