"""Powers of attorney: drafting against the registry, the paid → booked → verified → issued →
revoked lifecycle driven by payment's and office-routing's events, cancellation, illegal moves."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date, timedelta

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from notary_support import Harness
from sqlalchemy import text

from contracts import Envelope
from kit import metrics
from kit.document_signing import unb64url, verify
from kit.testing import eventually, runtime_of, stream_messages

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

    async def test_agents_typed_in_arabic_indic_digits(self, h: Harness):
        agent = await h.person(full_name_ar="سارة محمود", sex="female")
        _, headers, _ = await h.citizen()
        typed = agent.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        spaced = f"{typed[:4]} {typed[4:10]}-{typed[10:]}"
        poa = await drafted(h, headers, [spaced])
        assert [a["national_id"] for a in poa["agents"]] == [agent]
        short = await h.client.post(
            URL,
            json={"kind": "general", "scopes": ["general_management"], "agents": ["٢٩٠"]},
            headers={**headers, "Accept-Language": "ar"},
        )
        assert short.json()["errors"][0] == {
            "field": "body.agents.0", "reason": "الرقم القومي ١٤ رقمًا.", "code": "national_id_format"
        }  # fmt: skip

    async def test_reasons_count_in_arabic_plural_forms(self, h: Harness):
        _, headers, _ = await h.citizen()
        body = {"kind": "general", "scopes": ["general_management"], "agents": [await h.person()]}
        headers = {**headers, "Accept-Language": "ar"}
        many = await h.client.post(URL, json={**body, "special_conditions": ["شرط"] * 11}, headers=headers)
        assert {e["code"]: e["reason"] for e in many.json()["errors"]}["too_many_conditions"] == "الحد الأقصى ١٠ شروط."
        far = await h.client.post(
            URL, json={**body, "valid_until": str(h.today() + timedelta(days=365 * 30))}, headers=headers
        )
        assert far.json()["errors"][0]["reason"] == "أقصى مدة سريان ١٠ سنوات."

    async def test_agents_must_exist_be_alive_adult_and_not_the_principal(self, h: Harness):
        _, headers, nid = await h.citizen()
        dead = await h.person(alive=False, date_of_death=date(2020, 1, 1))
        minor = await h.person(born=h.today() - timedelta(days=365 * 19))
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
            "valid_until": str(h.today()),
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
        _, headers, _ = await h.citizen(born=h.today() - timedelta(days=365 * 20))
        response = await h.client.post(
            URL, json={"kind": "general", "scopes": ["general_management"], "agents": [agent]}, headers=headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "principal_not_eligible"

    async def test_unauthenticated_and_staff_are_refused(self, h: Harness):
        assert (await h.client.get(URL)).status_code == 401

    async def test_the_open_request_limit_holds_under_concurrency(self, h: Harness):
        """50 drafts at once by one citizen: exactly the limit is created, the rest refused (a lock
        around count-then-insert; without it, concurrent drafts all counted 19 and all inserted)."""
        agent = await h.person()
        _, headers, _ = await h.citizen()
        limit = h.settings.open_requests_per_citizen
        payload = {"kind": "general", "scopes": ["general_management"], "agents": [agent]}
        answers = await asyncio.gather(*(h.client.post(URL, json=payload, headers=headers) for _ in range(50)))
        statuses = [a.status_code for a in answers]
        assert statuses.count(201) == limit, statuses
        assert statuses.count(409) == 50 - limit, statuses
        assert {a.json()["code"] for a in answers if a.status_code == 409} == {"too_many_open_requests"}
        listed = (await h.client.get(URL, params={"limit": 100}, headers=headers)).json()["items"]
        assert len(listed) == limit


class TestLifecycle:
    async def test_paid_booked_verified_issued_verified_revoked(self, h: Harness):
        sub, headers, nid = await h.citizen()
        agents = [await h.person(), await h.person(sex="female")]
        poa = await drafted(h, headers, agents, valid_until=str(h.today() + timedelta(days=400)))
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
        arabic = await h.client.get(f"/v1/documents/{number}/page", headers={**headers, "Accept-Language": "ar"})
        assert arabic.headers["content-language"] == "ar"
        assert '<html lang="ar" dir="rtl">' in arabic.text
        assert "توكيل عام رسمي" in arabic.text
        assert "General power of attorney" not in arabic.text  # wholly in the reader's language
        english = await h.client.get(f"/v1/documents/{number}/page", headers={**headers, "Accept-Language": "en"})
        assert "General power of attorney" in english.text
        assert "توكيل عام رسمي" not in english.text
        assert "الموكل" not in english.text

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
        await h.status_is(poa["id"], headers, "paid")  # office routing books only what notary asks for once paid
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


class TestExpiry:
    async def test_past_its_last_day_it_reads_expired_and_there_is_nothing_to_revoke(self, h: Harness):
        """The day is Egypt's, by the service's clock: on its last day it is valid, the next day
        the citizen, a bank verifying it and the printed page all read it expired."""
        sub, headers, _ = await h.citizen()
        last_day = h.today() + timedelta(days=30)
        poa = await drafted(h, headers, [await h.person()], valid_until=str(last_day))
        await h.pay(poa["id"], sub, (await quoted(h, poa["id"], headers))["amount_piastres"])
        await h.status_is(poa["id"], headers, "paid")
        await h.verify(await h.book(poa["id"], sub))
        number = (await h.status_is(poa["id"], headers, "issued"))["document_number"]
        code = (await h.client.get(f"/v1/documents/{number}", headers=headers)).json()["verification_code"]
        verification = f"/v1/documents/{number}/verification"
        try:
            h.clock.advance(timedelta(days=30))
            assert h.today() == last_day
            assert (await h.client.get(f"{URL}/{poa['id']}", headers=headers)).json()["display_status"] == "issued"
            assert (await h.client.get(verification, params={"code": code})).json()["status"] == "valid"
            h.clock.advance(timedelta(days=1))
            state = (await h.client.get(f"{URL}/{poa['id']}", headers=headers)).json()
            assert (state["status"], state["display_status"]) == ("issued", "expired")
            assert (await h.client.get(verification, params={"code": code})).json()["status"] == "expired"
            page = await h.client.get(f"/v1/documents/{number}/page", headers=headers)
            assert "Status: Expired" in page.text
            revoked = await h.client.post(f"{URL}/{poa['id']}/revocation", headers=headers)
            assert revoked.status_code == 409
            assert revoked.json()["code"] == "poa_expired"
        finally:
            h.clock.offset = timedelta()


class TestCancel:
    async def test_paid_cancel_releases_the_payment(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        quote = await quoted(h, poa["id"], headers)
        payment = await h.pay(poa["id"], sub, quote["amount_piastres"])
        booked_state = await h.status_is(poa["id"], headers, "paid")
        assert booked_state["paid_at"]
        cancelled = await h.client.post(f"{URL}/{poa['id']}/cancellation", json={"reason": "سافرت"}, headers=headers)
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        announced = await eventually(lambda: events(h, "notary.poa.cancelled.v1", poa["id"]))
        assert announced[0]["refund_due"] is True
        assert announced[0]["order_ref"] == f"notary:{poa['id']}"
        applied, released = await h.answered(payment, 2)
        assert (applied["answer"], released["answer"], released["reason"]) == ("applied", "refused", "order_cancelled")
        assert released["order_ref"] == f"notary:{poa['id']}"
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

    async def test_unpaid_cancel_owes_nothing_but_a_late_payment_is_refused(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        quote = await quoted(h, poa["id"], headers)
        assert (await h.client.post(f"{URL}/{poa['id']}/cancellation", headers=headers)).status_code == 200
        first = await eventually(lambda: events(h, "notary.poa.cancelled.v1", poa["id"]))
        assert first[0]["refund_due"] is False
        payment = await h.pay(poa["id"], sub, quote["amount_piastres"])  # the payment was in flight
        (answer,) = await h.answered(payment)
        assert (answer["answer"], answer["reason"]) == ("refused", "order_cancelled")
        assert len(await events(h, "notary.poa.cancelled.v1", poa["id"])) == 1
        history = (await h.client.get(f"{URL}/{poa['id']}/history", headers=headers)).json()
        assert history[-1]["reason"] == "payment refused: order_cancelled"

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


class TestPayment:
    """A payment is applied only when it is the order's own: its citizen, service and fee, while
    the order awaits payment; anything else is refused (and refunded by payment-svc), once."""

    async def test_the_quote_names_the_order_and_its_citizen(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        token = (await quoted(h, poa["id"], headers))["payment"]["quote"]
        claims = json.loads(unb64url(token.split(".")[1]))
        assert (claims["order_ref"], claims["sub"]) == (f"notary:{poa['id']}", sub)

    async def test_not_the_orders_own_is_refused_and_it_still_awaits_payment(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        fee = (await quoted(h, poa["id"], headers))["amount_piastres"]
        wrong = {
            "amount_mismatch": await h.pay(poa["id"], sub, 1050),
            "service_mismatch": await h.pay(poa["id"], sub, fee, service_code="civil.certificate.birth"),
            "citizen_mismatch": await h.pay(poa["id"], str(uuid.uuid4()), fee),
        }
        for reason, payment in wrong.items():
            (answer,) = await h.answered(payment)
            assert (answer["answer"], answer["reason"]) == ("refused", reason)
        assert (await h.client.get(f"{URL}/{poa['id']}", headers=headers)).json()["status"] == "awaiting_payment"
        good = await h.pay(poa["id"], sub, fee)
        state = await h.status_is(poa["id"], headers, "paid")
        assert (state["payment_id"], state["amount_piastres"]) == (good, fee)

    async def test_a_second_payment_is_refused_a_repeated_one_changes_nothing(self, h: Harness):
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        fee = (await quoted(h, poa["id"], headers))["amount_piastres"]
        first = await h.pay(poa["id"], sub, fee)
        await h.status_is(poa["id"], headers, "paid")
        second = await h.pay(poa["id"], sub, fee)  # two payments raced for one order
        (answer,) = await h.answered(second)
        assert (answer["answer"], answer["reason"]) == ("refused", "already_paid")
        await h.pay(poa["id"], sub, fee, payment_id=uuid.UUID(first))  # payment-svc asks again
        assert [a["answer"] for a in await h.answered(first, 2)] == ["applied", "applied"]
        assert len(await events(h, "notary.poa.paid.v1", poa["id"])) == 1
        history = (await h.client.get(f"{URL}/{poa['id']}/history", headers=headers)).json()
        assert [r["reason"] for r in history if r["to_status"] == "paid"][1:] == ["payment refused: already_paid"]

    async def test_a_payment_for_no_order_of_ours_is_refused(self, h: Harness):
        sub, _, _ = await h.citizen()
        payment = await h.pay(str(uuid.uuid4()), sub, 6550)
        (answer,) = await h.answered(payment)
        assert (answer["answer"], answer["reason"]) == ("refused", "order_not_found")

    async def test_another_services_payment_is_passed_over_without_a_transaction(self, h: Harness):
        """Not notary's order (`applications:<id>`): nothing to answer, so not even an inbox row;
        one of notary's after it is answered as ever."""
        sub, _, _ = await h.citizen()
        durable = h.settings.service_name
        passed = metrics.EVENTS_PASSED_OVER.labels(consumer=durable)._value.get()
        theirs = await h.pay(str(uuid.uuid4()), sub, 5000, "commerce.registry.extract", owner="applications")
        ours = await h.pay(str(uuid.uuid4()), sub, 6550)  # published after it: answered once it is past
        (answer,) = await h.answered(ours)
        assert answer["reason"] == "order_not_found"
        assert metrics.EVENTS_PASSED_OVER.labels(consumer=durable)._value.get() > passed
        async with runtime_of(h.app).sessions() as session:
            query = text("SELECT count(*) FROM notary.inbox WHERE event_id = :id")
            foreign = [e.id for e in h.published if e.subject == theirs]
            assert foreign
            assert (await session.execute(query, {"id": foreign[0]})).scalar_one() == 0
            mine = [e.id for e in h.published if e.subject == ours]
            assert (await session.execute(query, {"id": mine[0]})).scalar_one() == 1
        assert await h.answers(theirs) == []


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


class TestEvidence:
    """An issued power of attorney cites the payment and the clerk's verification it rests on;
    its evidence is the bundle evidence-svc exports for those two events (stood in here)."""

    async def issued(self, h: Harness) -> tuple[dict, dict[str, str], list[Envelope]]:
        sub, headers, _ = await h.citizen()
        poa = await drafted(h, headers, [await h.person()])
        fee = (await quoted(h, poa["id"], headers))["amount_piastres"]
        await h.pay(poa["id"], sub, fee)
        paid = h.published[-1]
        await h.status_is(poa["id"], headers, "paid")
        await h.verify(await h.book(poa["id"], sub))
        verified = h.published[-1]
        return await h.status_is(poa["id"], headers, "issued"), headers, [paid, verified]

    async def test_the_issue_names_the_payment_and_the_verification_it_rests_on(self, h: Harness):
        poa, headers, (paid, verified) = await self.issued(h)
        payment, verification = poa["evidence"]
        assert (payment["role"], payment["event_id"], payment["type"]) == (
            "payment", str(paid.id), "payment.intent.succeeded.v1"
        )  # fmt: skip
        assert payment["source"] == "payment-svc"
        assert payment["statement"].startswith("The payments service recorded the payment of 65.50 Egyptian pounds")
        assert (verification["role"], verification["event_id"]) == ("verification", str(verified.id))
        assert "a clerk verified the principal in person" in verification["statement"]
        assert verification["verification"] == "verified"  # notary's consumer checked office routing's signature
        arabic = await h.client.get(f"{URL}/{poa['id']}", headers={**headers, "Accept-Language": "ar"})
        assert arabic.json()["evidence"][0]["statement"].startswith("سجّلت منظومة المدفوعات سداد")

    async def test_the_principal_and_an_auditor_get_the_bundle_others_do_not(self, h: Harness):
        poa, headers, published = await self.issued(h)
        for envelope in published:
            h.archive.archive(json.loads(envelope.to_bytes()))
        path = f"{URL}/{poa['id']}/evidence"
        auditor = h.identity.headers("auditor-1", typ="staff", roles=["auditor"])
        for caller in (headers, auditor):
            response = await h.client.get(path, headers=caller)
            assert response.status_code == 200, response.text
            assert [e["event"]["id"] for e in response.json()["events"]] == [str(e.id) for e in published]
            assert h.archive.asked[-1] == [str(e.id) for e in published]
        _, other, _ = await h.citizen()
        assert (await h.client.get(path, headers=other)).json()["code"] == "poa_not_found"
        clerk = h.identity.headers("clerk-1", typ="staff", roles=["notary_clerk"])
        assert (await h.client.get(path, headers=clerk)).status_code == 403

    async def test_nothing_to_export_before_payment_and_a_503_while_the_archive_is_down(self, h: Harness):
        _, headers, _ = await h.citizen()
        draft = await drafted(h, headers, [await h.person()])
        unpaid = await h.client.get(f"{URL}/{draft['id']}/evidence", headers=headers)
        assert (unpaid.status_code, unpaid.json()["code"]) == (404, "no_evidence")
        poa, headers, _ = await self.issued(h)
        h.archive.down = True
        try:
            response = await h.client.get(f"{URL}/{poa['id']}/evidence", headers=headers)
        finally:
            h.archive.down = False
        assert (response.status_code, response.json()["code"]) == (503, "evidence_unavailable")
        assert "The evidence archive is not answering" in response.json()["detail"]
