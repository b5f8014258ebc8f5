"""Powers of attorney: drafting against the registry, the paid → booked → verified → issued →
revoked lifecycle driven by payment's and office-routing's events, cancellation, illegal moves."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from notary_support import Harness, eventually

from contracts import Envelope
from kit.testing import stream_messages
from notary.documents.signing import unb64url, verify

URL = "/v1/powers-of-attorney"


async def drafted(h: Harness, headers: dict[str, str], agents: list[str], **body) -> dict:
    payload = {"kind": "general", "scopes": ["general_management", "litigation"], "agents": agents, **body}
    response = await h.client.post(URL, json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def quoted(h: Harness, poa_id: str, headers: dict[str, str], method: str = "wallet") -> dict:
    response = await h.client.post(f"{URL}/{poa_id}/quote", json={"method": method}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def events(h: Harness, subject: str, poa_id: str) -> list[dict]:
    nc = await nats.connect(h.nats_url)
    try:
        found = [Envelope.from_bytes(m.data) for m in await stream_messages(nc.jetstream(), "NOTARY", subject)]
    finally:
        await nc.close()
    return [e.data for e in found if e.subject == poa_id]


class TestDraft:
    async def test_principal_and_agent_from_the_registry(self, h: Harness):
        agent = await h.person(full_name_ar="سارة محمود", sex="female")
        _, headers, nid = await h.citizen(governorate="21")
        poa = await drafted(h, headers, [agent], special_conditions=["لا يجوز للوكيل البيع لنفسه"])
        assert poa["status"] == "draft"
        assert poa["principal"]["national_id"] == nid
        assert [a["full_name_ar"] for a in poa["agents"]] == ["سارة محمود"]
        assert poa["governorate"] == "21"  # residence from the registry, not birth (03)
        assert poa["service_code"] == "notary.poa.general"

    async def test_agents_must_exist_be_alive_adult_and_not_the_principal(self, h: Harness):
        _, headers, nid = await h.citizen()
        dead = await h.person(alive=False, date_of_death=date(2020, 1, 1))
        minor = await h.person(born=date.today() - timedelta(days=365 * 19))
        missing = "29001011234567"
        response = await h.client.post(
            URL,
            json={
                "kind": "general",
                "scopes": ["general_management"],
                "agents": [nid, dead, minor, missing, dead],
            },
            headers=headers,
        )
        assert response.status_code == 422
        problem = response.json()
        assert problem["code"] == "poa_invalid"
        codes = {e["field"]: e["code"] for e in problem["errors"]}
        assert codes == {
            "body.agents.0": "agent_is_principal",
            "body.agents.1": "agent_deceased",
            "body.agents.2": "agent_minor",
            "body.agents.3": "agent_not_found",
            "body.agents.4": "agent_duplicate",
        }

    async def test_terms_are_bounded_and_bilingual(self, h: Harness):
        _, headers, _ = await h.citizen()
        agent = await h.person()
        body = {
            "kind": "special",
            "scopes": ["general_management", "no_such_scope"],
            "agents": [agent],
            "special_conditions": ["شرط"] * 11,
            "valid_until": str(date.today()),
        }
        response = await h.client.post(URL, json=body, headers={**headers, "Accept-Language": "ar"})
        assert response.status_code == 422
        codes = {e["code"] for e in response.json()["errors"]}
        assert codes == {"unknown_scope", "special_excludes_management", "too_many_conditions", "valid_until_past"}
        assert response.json()["title"] == "لا يمكن إنشاء التوكيل بهذه البيانات"
        too_long = await h.client.post(URL, json={**body, "special_conditions": ["x" * 501]}, headers=headers)
        assert too_long.status_code == 422

    async def test_special_conditions_that_would_print_other_than_they_read_are_refused(self, h: Harness):
        """Issue 12: a right-to-left override made the printed conditions read otherwise."""
        _, headers, _ = await h.citizen()
        agent = await h.person()
        lying = "يحق للوكيل البيع \u202eعيبلا قح نود\u202c"
        body = {"kind": "general", "scopes": ["general_management"], "agents": [agent]}
        response = await h.client.post(
            URL, json={**body, "special_conditions": ["شرط أول", lying]}, headers={**headers, "Accept-Language": "en"}
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert (error["field"], error["code"]) == ("body.special_conditions.1", "invisible_character")
        assert "U+202E RIGHT-TO-LEFT OVERRIDE" in error["reason"]
        fine = "يحق للوكيل\u200f بيع الشقة رقم 12/3 (Ahmed\u200e)"  # direction marks are part of Arabic text
        assert (
            await h.client.post(URL, json={**body, "special_conditions": [fine]}, headers=headers)
        ).status_code == 201

    async def test_a_minor_or_unknown_principal_cannot_grant(self, h: Harness):
        agent = await h.person()
        _, headers, _ = await h.citizen(born=date.today() - timedelta(days=365 * 20))
        response = await h.client.post(
            URL, json={"kind": "general", "scopes": ["general_management"], "agents": [agent]}, headers=headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "principal_not_eligible"

    async def test_unauthenticated_and_staff_are_refused(self, h: Harness):
        assert (await h.client.get(URL)).status_code == 401


class TestLifecycle:
    async def test_paid_booked_verified_issued_verified_revoked(self, h: Harness):
        sub, headers, nid = await h.citizen()
        agents = [await h.person(), await h.person(sex="female")]
        poa = await drafted(h, headers, agents, valid_until=str(date.today() + timedelta(days=400)))
        quote = await quoted(h, poa["id"], headers)
        assert quote["payment"]["owner_service"] == "notary"
        assert quote["payment"]["order_id"] == poa["id"]
        assert quote["amount_piastres"] == sum(line["amount_piastres"] for line in quote["lines"]) > 0
        assert (await h.client.get(f"{URL}/{poa['id']}", headers=headers)).json()["status"] == "awaiting_payment"

        await h.pay(poa["id"], sub, quote["amount_piastres"])
        await h.status_is(poa["id"], headers, "paid")
        paid = await eventually(lambda: events(h, "notary.poa.paid.v1", poa["id"]))
        assert paid[0]["governorate"] == "03"
        assert paid[0]["order_ref"] == f"notary:{poa['id']}"
        assert paid[0]["principal_national_id"] == nid

        office = uuid.uuid4()
        booked = await h.book(poa["id"], sub, office)
        state = await h.status_is(poa["id"], headers, "appointment_booked")
        assert state["office_id"] == str(office)

        await h.verify(booked)
        issued = await h.status_is(poa["id"], headers, "issued")
        number = issued["document_number"]
        announced = await eventually(lambda: events(h, "notary.poa.issued.v1", poa["id"]))
        assert announced[0]["agent_national_ids"] == agents
        assert announced[0]["document_number"] == number

        document = (await h.client.get(f"/v1/documents/{number}", headers=headers)).json()
        keys = (await h.client.get("/v1/documents/signing-keys")).json()["keys"]
        assert verify(keys[0]["x"], document["signature"], unb64url(document["canonical"]))
        assert json.loads(unb64url(document["canonical"]))["agents"][1]["national_id"] == agents[1]
        code = document["verification_code"]
        check = await h.client.get(f"/v1/documents/{number}/verification", params={"code": code})
        assert check.status_code == 200
        assert check.json()["status"] == "valid"
        assert "content" not in check.json()  # the minimum: no names, no IDs
        page = await h.client.get(f"/v1/documents/{number}/page", headers=headers)
        assert "توكيل عام رسمي" in page.text
        assert "General power of attorney" in page.text

        bank = await nats.connect(h.nats_url)  # a bank subscribed to revocations
        js = bank.jetstream()
        durable = f"bank-{uuid.uuid4().hex[:6]}"
        await js.add_consumer(
            "NOTARY",
            config=ConsumerConfig(
                durable_name=durable,
                filter_subject="notary.poa.revoked.v1",
                deliver_policy=DeliverPolicy.NEW,
                ack_policy=AckPolicy.EXPLICIT,
            ),
        )
        revoked = await h.client.post(f"{URL}/{poa['id']}/revocation", json={"reason": "انتهى الغرض"}, headers=headers)
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["status"] == "revoked"
        check = await h.client.get(f"/v1/documents/{number}/verification", params={"code": code})
        assert check.json()["status"] == "revoked"
        sub_ = await js.pull_subscribe_bind(durable=durable, stream="NOTARY")
        received = []
        for _ in range(20):
            try:
                received += [Envelope.from_bytes(m.data) for m in await sub_.fetch(10, timeout=1)]
            except TimeoutError:
                pass
            if any(e.subject == poa["id"] for e in received):
                break
        await bank.close()
        mine = [e for e in received if e.subject == poa["id"]]
        assert mine
        assert mine[0].data["document_number"] == number

        again = await h.client.post(f"{URL}/{poa['id']}/revocation", headers=headers)
        assert again.status_code == 409
        assert again.json()["code"] == "poa_state_conflict"
        history = (await h.client.get(f"{URL}/{poa['id']}/history", headers=headers)).json()
        assert [t["to_status"] for t in history] == [
            "draft", "awaiting_payment", "paid", "appointment_booked", "verified", "issued", "revoked"
        ]  # fmt: skip

    async def test_wrong_code_or_number_is_the_same_404(self, h: Harness):
        for number, code in (("POA-2026-99999999", "ABCDEFGHJKLM"), ("POA-2026-00000001", "WRONGCODE234")):
            response = await h.client.get(f"/v1/documents/{number}/verification", params={"code": code})
            assert response.status_code == 404
            assert response.json()["code"] == "document_not_found"

    async def test_no_show_then_rebooked(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        quote = await quoted(h, poa["id"], headers)
        await h.pay(poa["id"], sub, quote["amount_piastres"])
        first = await h.book(poa["id"], sub)
        await h.status_is(poa["id"], headers, "appointment_booked")
        await h.end(first, "no_show")
        await h.status_is(poa["id"], headers, "no_show")
        second = await h.book(poa["id"], sub)
        state = await h.status_is(poa["id"], headers, "appointment_booked")
        assert state["appointment_id"] == str(second.appointment_id)
        await h.end(first, "no_show")  # the old appointment again: ignored
        await h.verify(second)
        await h.status_is(poa["id"], headers, "issued")


class TestCancel:
    async def test_paid_cancel_announces_the_refund(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        quote = await quoted(h, poa["id"], headers)
        await h.pay(poa["id"], sub, quote["amount_piastres"])
        booked_state = await h.status_is(poa["id"], headers, "paid")
        assert booked_state["paid_at"]
        cancelled = await h.client.post(f"{URL}/{poa['id']}/cancellation", json={"reason": "سافرت"}, headers=headers)
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        announced = await eventually(lambda: events(h, "notary.poa.cancelled.v1", poa["id"]))
        assert announced[0]["refund_due"] is True
        assert announced[0]["order_ref"] == f"notary:{poa['id']}"
        marker = await drafted(h, headers, [await h.person()])
        await h.pay(marker["id"], sub, (await quoted(h, marker["id"], headers))["amount_piastres"])
        await h.status_is(marker["id"], headers, "paid")
        late = await h.book(poa["id"], sub)  # office-routing's booking raced the cancellation
        await h.verify(late)
        await h.book(marker["id"], sub)  # the office stream is handled in order: the late ones came first
        await h.status_is(marker["id"], headers, "appointment_booked")
        state = (await h.client.get(f"{URL}/{poa['id']}", headers=headers)).json()
        assert state["status"] == "cancelled"
        assert state["document_number"] is None

    async def test_unpaid_cancel_owes_nothing_but_a_late_payment_is_refunded(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        quote = await quoted(h, poa["id"], headers)
        assert (await h.client.post(f"{URL}/{poa['id']}/cancellation", headers=headers)).status_code == 200
        first = await eventually(lambda: events(h, "notary.poa.cancelled.v1", poa["id"]))
        assert first[0]["refund_due"] is False
        await h.pay(poa["id"], sub, quote["amount_piastres"])  # the payment was in flight

        async def two() -> list[dict]:
            found = await events(h, "notary.poa.cancelled.v1", poa["id"])
            return found if len(found) == 2 else []

        assert (await eventually(two))[1]["refund_due"] is True

    async def test_illegal_transitions_are_409(self, h: Harness):
        _, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        revoke = await h.client.post(f"{URL}/{poa['id']}/revocation", headers=headers)
        assert revoke.status_code == 409
        assert revoke.json()["poa_status"] == "draft"
        await h.client.post(f"{URL}/{poa['id']}/cancellation", headers=headers)
        assert (await h.client.post(f"{URL}/{poa['id']}/cancellation", headers=headers)).status_code == 409
        assert (
            await h.client.post(f"{URL}/{poa['id']}/quote", json={"method": "card"}, headers=headers)
        ).status_code == 409


class TestPrivacy:
    async def test_citizen_b_cannot_see_or_act_on_a_s(self, h: Harness):
        _, headers, _ = await h.citizen()
        _, other, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        for method, path in (("get", ""), ("get", "/history"), ("post", "/cancellation"), ("post", "/revocation")):
            response = await getattr(h.client, method)(f"{URL}/{poa['id']}{path}", headers=other)
            assert response.status_code == 404, path
        quote = await h.client.post(f"{URL}/{poa['id']}/quote", json={"method": "card"}, headers=other)
        assert quote.status_code == 404
        assert (await h.client.get(URL, headers=other)).json()["items"] == []
        mine = (await h.client.get(URL, headers=headers)).json()["items"]
        assert [p["id"] for p in mine] == [poa["id"]]
