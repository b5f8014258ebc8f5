"""SMS for events that concern a citizen, sent once per event even when the event comes twice,
wholly in the citizen's language: times in Cairo, amounts by CLDR, services by their catalogue
names (from catalog-svc's catalogue, stood in for here; without it, the SMS names no service
rather than a code)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from identity_support import add_person, bearer, e164, enrol, publish, resources, token_of
from sqlalchemy import text

from contracts.events.office import AppointmentBooked
from contracts.events.payment import PaymentSucceeded
from contracts.events.ration import EligibilityChanged
from kit.testing import catalogue_stand_in, eventually

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def catalog_http() -> AsyncIterator[httpx.AsyncClient]:
    names = {
        "notary.poa.general": ("توكيل عام رسمي", "General power of attorney"),
        "civil.certificate.birth": ("شهادة ميلاد", "Birth certificate"),
    }
    async with catalogue_stand_in(names) as client:
        yield client


@pytest.fixture
def with_catalog(app, catalog_http, monkeypatch):
    """The app's catalogue names come from the stand-in for this test (nothing cached from before)."""
    names = resources(app).service_names
    monkeypatch.setattr(names, "http", catalog_http)
    monkeypatch.setattr(names, "base_url", "http://catalog")
    monkeypatch.setattr(names, "_cache", {})


def paid(citizen: dict, amount: int = 15050, service: str = "notary.poa.general") -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_id=uuid.uuid4(), citizen_id=citizen["citizen"]["citizen_id"], service_code=service,
        order_ref=f"notary:{uuid.uuid4()}", amount_piastres=amount, method="card", provider_reference="TX-1",
        paid_at=NOW,
    )  # fmt: skip


async def sms_containing(app, mobile: str, needle: str, count: int = 1):
    async def found():
        hits = [m for m in resources(app).sms_outbox.for_mobile(e164(mobile)) if needle in m.body]
        return hits if len(hits) >= count else None

    return await eventually(found)


async def in_arabic(engine, citizen: dict) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE identity.citizens SET language = 'ar' WHERE id = :id"),
            {"id": citizen["citizen"]["citizen_id"]},
        )


class TestNotifications:
    async def test_payment_received_once_even_if_delivered_twice(self, app, client, engine, settings, with_catalog):
        citizen = await enrol(app, client, await add_person(engine))
        event = paid(citizen)
        first = await publish(settings.nats_url, event)
        await publish(settings.nats_url, event, envelope_id=first.id)
        other = await publish(settings.nats_url, event)  # a new event id: a second, distinct notification

        sent = await sms_containing(app, citizen["mobile"], "150.50", count=2)
        assert len(sent) == 2
        assert other.id != first.id
        # the language the citizen enrolled in, the service by its catalogue name, never its code
        assert sent[0].body == "We received 150.50 Egyptian pounds for “General power of attorney”. Thank you."

    async def test_payment_sms_in_arabic_names_the_service_as_the_catalogue_does(
        self, app, client, engine, settings, with_catalog
    ):
        citizen = await enrol(app, client, await add_person(engine))
        await in_arabic(engine, citizen)
        await publish(settings.nats_url, paid(citizen, amount=6550, service="civil.certificate.birth"))
        [sms] = await sms_containing(app, citizen["mobile"], "شهادة ميلاد")
        assert sms.body == "تم استلام ٦٥٫٥٠ جنيه مصري رسوم خدمة «شهادة ميلاد». شكرًا لك."

    async def test_without_the_catalogue_the_sms_names_no_code(self, app, client, engine, settings):
        citizen = await enrol(app, client, await add_person(engine))
        await publish(settings.nats_url, paid(citizen, amount=2000))
        [sms] = await sms_containing(app, citizen["mobile"], "20.00")
        assert sms.body == "We received 20.00 Egyptian pounds for your Shubbak request. Thank you."
        assert "notary" not in sms.body

    async def test_appointment_time_is_cairo_time(self, app, client, engine, settings):
        citizen = await enrol(app, client, await add_person(engine))
        starts = datetime(2027, 1, 14, 11, 10, tzinfo=UTC)  # 13:10 in Cairo
        event = AppointmentBooked(
            appointment_id=uuid.uuid4(), citizen_id=citizen["citizen"]["citizen_id"], office_id=uuid.uuid4(),
            governorate="03", service_code="notary.poa.general", order_ref="notary:abc", starts_at=starts,
            ends_at=starts + timedelta(minutes=15), booked_at=NOW,
        )  # fmt: skip
        await publish(settings.nats_url, event)
        [sms] = await sms_containing(app, citizen["mobile"], "appointment")
        assert sms.body == "Your office appointment is booked for 14 January 2027 at 13:10. Reference: notary:abc."
        assert "UTC" not in sms.body

    async def test_eligibility_change_by_national_id(self, app, client, engine, settings):
        person = await add_person(engine)
        citizen = await enrol(app, client, person)
        await in_arabic(engine, citizen)
        await publish(
            settings.nats_url,
            EligibilityChanged(card_id=uuid.uuid4(), holder_national_id=person["national_id"], eligible=True,
                               appealable=False, rules_version="2025.1", effective_from=NOW.date(), decided_at=NOW),
        )  # fmt: skip
        [sms] = await sms_containing(app, citizen["mobile"], "بطاقة التموين")
        assert sms.body == "بطاقة التموين: أسرتك مستحقة للدعم اعتبارًا من ١ يونيو ٢٠٢٥."


class TestMyNotifications:
    async def test_listed_newest_first_as_sent_and_only_to_their_citizen(self, app, client, engine, settings):
        citizen = await enrol(app, client, await add_person(engine))
        other = await enrol(app, client, await add_person(engine))
        await publish(settings.nats_url, paid(citizen, amount=2000))
        await sms_containing(app, citizen["mobile"], "20.00")
        await publish(settings.nats_url, paid(citizen, amount=3000))
        await sms_containing(app, citizen["mobile"], "30.00")

        async def both() -> list | None:
            answer = await client.get("/v1/me/notifications", headers=bearer(token_of(citizen)))
            assert answer.status_code == 200, answer.text
            items = answer.json()["items"]
            return items if len(items) == 2 and all(i["sent_at"] for i in items) else None

        newest, oldest = await eventually(both)
        assert "30.00" in newest["body"]
        assert "20.00" in oldest["body"]
        assert newest["kind"] == "payment_succeeded.unnamed"
        assert newest["created_at"] >= oldest["created_at"]
        auth = bearer(token_of(citizen))
        first = (await client.get("/v1/me/notifications", params={"limit": 1}, headers=auth)).json()
        assert [i["id"] for i in first["items"]] == [newest["id"]]
        after = {"limit": 1, "cursor": first["next_cursor"]}
        rest = await client.get("/v1/me/notifications", params=after, headers=auth)
        assert [i["id"] for i in rest.json()["items"]] == [oldest["id"]]
        mine = await client.get("/v1/me/notifications", headers=bearer(token_of(other)))
        assert mine.json()["items"] == []

    async def test_need_a_citizen(self, client):
        assert (await client.get("/v1/me/notifications")).status_code == 401
