"""The paperless flow of a general power of attorney, through the gateway, across every
service as `make run` starts them (real processes, real PostgreSQL and NATS):

enrol → draft a power of attorney naming an agent → quote → pay by wallet (approved in the
development provider) → paid → office and appointment assigned by event → a clerk at that
office verifies → issued → public verification says valid → the principal revokes →
verification says revoked → a bank subscribed to revocations received it.
Plus: cancelling before verification refunds; paying twice charges once; another citizen
can neither see nor act on the principal's documents.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import nats
from nats.js.api import ConsumerConfig, DeliverPolicy
from paperless_support import Citizen, clerk_token, registry_people

from contracts import Envelope
from kit import i18n
from kit.testing import eventually


async def test_power_of_attorney_without_paper(platform):
    people = registry_people()
    principal_person, agent, stranger_person = people[0], people[1], people[2]
    bank = await nats.connect(platform.nats)
    js = bank.jetstream()
    revocations = await js.pull_subscribe(
        "notary.poa.revoked.v1",
        durable=f"bank-{uuid.uuid4().hex[:6]}",
        stream="NOTARY",
        config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW),
    )
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        principal, stranger = Citizen(client, principal_person), Citizen(client, stranger_person)
        await principal.enrol()
        await stranger.enrol()

        poa_id, payment = await principal.draft_and_quote(agent)
        key = str(uuid.uuid4())
        intent = await principal.pay(payment, key)
        # paying twice charges once: the same key replays the same intent, another key is refused
        again = await client.post("/v1/payments", json=payment, headers={**principal.auth, "Idempotency-Key": key})
        assert again.json()["id"] == intent["id"]
        other = await client.post(
            "/v1/payments", json=payment, headers={**principal.auth, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert other.status_code == 409, other.text

        async def booked():
            poa = await principal.poa(poa_id)
            return poa if poa["status"] == "appointment_booked" else None

        poa = await eventually(booked, "the office appointment")
        appointments = (await client.get("/v1/appointments", headers=principal.auth)).json()["items"]
        appointment = next(a for a in appointments if a["order_ref"] == f"notary:{poa_id}")
        assert appointment["office"]["id"] == poa["office_id"]
        assert appointment["id"] == poa["appointment_id"]

        # the SMS are in the principal's language (Arabic): the service by its catalogue name,
        # the amount by CLDR, the appointment in Cairo time
        starts_at = datetime.fromisoformat(appointment["starts_at"])
        cairo_time = i18n.time(starts_at, "ar")

        async def texts() -> list[str] | None:
            sms = (await client.get("/v1/dev/sms", params={"mobile": principal.mobile})).json()
            bodies = [m["body"] for m in sms]
            ready = any("توكيل عام رسمي" in b for b in bodies) and any(cairo_time in b for b in bodies)
            return bodies if ready else None

        bodies = await eventually(texts, "the payment and appointment SMS")
        assert not [b for b in bodies if "notary.poa" in b or "UTC" in b or "EGP" in b], bodies
        assert any(i18n.day(starts_at, "ar") in b for b in bodies), bodies

        # citizen B can neither see nor act on A's power of attorney
        assert (await client.get(f"/v1/powers-of-attorney/{poa_id}", headers=stranger.auth)).status_code == 404
        assert (
            await client.post(f"/v1/powers-of-attorney/{poa_id}/revocation", json={}, headers=stranger.auth)
        ).status_code == 404

        clerk = await clerk_token(client, platform, poa["office_id"])
        checked_in = await client.post(f"/v1/appointments/{appointment['id']}/check-in", headers=clerk)
        assert checked_in.status_code == 200, checked_in.text
        wrong_card = {"national_id": stranger_person["national_id"]}
        refused = await client.post(f"/v1/appointments/{appointment['id']}/verify", json=wrong_card, headers=clerk)
        assert refused.status_code == 422, refused.text  # the clerk checks the card: not the principal
        card = {"national_id": principal_person["national_id"]}
        verified = await client.post(f"/v1/appointments/{appointment['id']}/verify", json=card, headers=clerk)
        assert verified.status_code == 200, verified.text

        async def issued():
            found = await principal.poa(poa_id)
            return found if found["status"] == "issued" else None

        number = (await eventually(issued, "the issued document"))["document_number"]
        document = (await client.get(f"/v1/documents/{number}", headers=principal.auth)).json()
        check = {"code": document["verification_code"]}
        public = await client.get(f"/v1/documents/{number}/verification", params=check)  # a bank: no token
        assert public.json()["status"] == "valid", public.text

        revoked = await client.post(
            f"/v1/powers-of-attorney/{poa_id}/revocation", json={"reason": "لم أعد بحاجة إليه"}, headers=principal.auth
        )
        assert revoked.status_code in (200, 201), revoked.text
        public = await client.get(f"/v1/documents/{number}/verification", params=check)
        assert public.json()["status"] == "revoked"

        msgs = await revocations.fetch(1, timeout=30)
        event = Envelope.from_bytes(msgs[0].data).event()
        assert str(event.poa_id) == poa_id
        await msgs[0].ack()

        # cancelling before verification refunds the fee
        second_id, second_payment = await principal.draft_and_quote(agent)
        second_intent = await principal.pay(second_payment, str(uuid.uuid4()))

        async def paid():
            found = await principal.poa(second_id)
            return found["status"] in ("paid", "appointment_booked")

        await eventually(paid, "the second payment")
        cancelled = await client.post(f"/v1/powers-of-attorney/{second_id}/cancellation", headers=principal.auth)
        assert cancelled.status_code in (200, 201), cancelled.text

        async def refunded():
            found = await client.get(f"/v1/payments/{second_intent['id']}", headers=principal.auth)
            return found.json()["status"] == "refunded"

        await eventually(refunded, "the refund")
    await bank.close()
