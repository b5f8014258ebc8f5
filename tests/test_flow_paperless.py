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

import asyncio
import csv
import io
import os
import re
import sys
import uuid
from asyncio.subprocess import PIPE
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx
import nats
import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from contracts import Envelope
from identity.demo import PEOPLE as DEMO_PEOPLE
from identity.demo import SEED as DEMO_SEED
from identity.demo import TODAY as DEMO_TODAY
from identity.registry.generate import write_csv  # the same synthetic registry the demo data loads
from kit import i18n

PASSWORD = "a long clerk password 2026"


def registry_people() -> list[dict[str, str]]:
    """Living adults of Port Said (the pilot governorate: every service is live there), one per
    family: no two are spouses, parent and child or siblings (who share a ration card and may see
    each other's), so the flows' citizens are strangers to one another."""
    out = io.StringIO()
    write_csv(out, DEMO_PEOPLE, seed=DEMO_SEED, today=DEMO_TODAY)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    adults = [r for r in rows if r["alive"] == "true" and r["governorate"] == "03" and r["birth_date"] < "1995-01-01"]
    strangers, families = [], set()
    for person in adults:
        family = {person[k] for k in ("national_id", "spouse_national_id", "father_national_id", "mother_national_id")}
        if not (family - {""}) & families:
            strangers.append(person)
            families |= family - {""}
    return strangers


async def eventually(check: Callable[[], Awaitable[Any]], what: str, timeout: float = 30.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


class Citizen:
    def __init__(self, client: httpx.AsyncClient, person: dict[str, str]) -> None:
        self.client = client
        self.person = person
        self.mobile = "010" + person["national_id"][-8:]
        self.token = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}

    async def enrol(self) -> None:
        started = await self.client.post(
            "/v1/enrolments",
            json={
                "national_id": self.person["national_id"],
                "first_name": self.person["first_name_ar"],
                "mother_first_name": self.person["mother_first_name_ar"],
                "mobile": self.mobile,
            },
        )
        assert started.status_code in (201, 202), started.text
        sms = (await self.client.get("/v1/dev/sms", params={"mobile": self.mobile})).json()
        code = re.search(r"\b(\d{6})\b", sms[-1]["body"]).group(1)
        verified = await self.client.post(f"/v1/enrolments/{started.json()['id']}/verification", json={"code": code})
        assert verified.status_code in (200, 201), verified.text
        self.token = verified.json()["tokens"]["access_token"]

    async def pay(self, payment: dict[str, Any], key: str) -> dict[str, Any]:
        created = await self.client.post("/v1/payments", json=payment, headers={**self.auth, "Idempotency-Key": key})
        assert created.status_code == 201, created.text
        intent = created.json()
        confirmed = await self.client.post(
            f"/v1/payments/{intent['id']}/confirm", json={"wallet_mobile": self.mobile}, headers=self.auth
        )
        assert confirmed.status_code == 200, confirmed.text
        reference = confirmed.json()["provider_reference"]
        approved = await self.client.post(f"/v1/payment-sandbox/wallet/{reference}/approve")
        assert approved.status_code == 200, approved.text
        return intent

    async def draft_and_quote(self, agent: dict[str, str]) -> tuple[str, dict[str, Any]]:
        drafted = await self.client.post(
            "/v1/powers-of-attorney",
            json={
                "kind": "general",
                "scopes": ["general_management"],
                "agents": [agent["national_id"]],
                "special_conditions": ["لا يجوز للوكيل البيع لنفسه"],
                "valid_until": None,
            },
            headers=self.auth,
        )
        assert drafted.status_code == 201, drafted.text
        poa_id = drafted.json()["id"]
        quoted = await self.client.post(
            f"/v1/powers-of-attorney/{poa_id}/quote", json={"method": "wallet", "channel": "web"}, headers=self.auth
        )
        assert quoted.status_code in (200, 201), quoted.text
        return poa_id, quoted.json()["payment"]

    async def poa(self, poa_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/v1/powers-of-attorney/{poa_id}", headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()


async def staff_token(
    client: httpx.AsyncClient, platform: Any, *roles: str, office_id: str | None = None, governorate: str = "03"
) -> dict[str, str]:
    """A staff member with `roles`, created with identity's staff command (as ops would), signed in."""
    username = f"staff-{uuid.uuid4().hex[:6]}"
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    env = {**os.environ, "IDENTITY_DATABASE_URL": f"{server}/identity", "IDENTITY_STAFF_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "identity.staff", "create", "--username", username, "--name", "Staff",
               *(part for role in roles for part in ("--role", role)), "--governorate", governorate,
               *(("--office", office_id) if office_id else ())]  # fmt: skip
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=PIPE, stderr=PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    login = await client.post("/v1/staff/sessions", json={"username": username, "password": PASSWORD})
    assert login.status_code == 201, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}", "Accept-Language": "en"}


async def clerk_token(client: httpx.AsyncClient, platform: Any, office_id: str) -> dict[str, str]:
    """A notary clerk of that office."""
    return await staff_token(client, platform, "notary_clerk", office_id=office_id)


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
