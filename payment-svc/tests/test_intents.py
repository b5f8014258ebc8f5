"""Creating payment intents: the amount from a signed quote, idempotency, one order once."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from payment_support import Harness, quote_claims
from sqlalchemy import func, select

from payment.intents.models import PaymentIntent


async def _count(h: Harness, **where: str) -> int:
    async with h.session() as session:
        query = select(func.count()).select_from(PaymentIntent)
        for column, value in where.items():
            query = query.where(getattr(PaymentIntent, column) == value)
        return int(await session.scalar(query) or 0)


class TestCreate:
    async def test_amount_and_lines_come_from_the_quote(self, h: Harness):
        _, citizen = h.citizen()
        response = await h.create(citizen, method="cash_network")
        assert response.status_code == 201, response.text
        intent = response.json()
        assert intent["status"] == "requires_payment"
        assert intent["amount_piastres"] == 13000
        assert [line["code"] for line in intent["lines"]] == ["base_fee", "stamp_duty", "service_charge"]
        assert intent["method"] == "cash_network"
        assert intent["tariff_version"] == 3

    async def test_a_client_sent_amount_is_refused(self, h: Harness):
        _, citizen = h.citizen()
        response = await h.create(citizen, amount_piastres=1)
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "extra_forbidden"

    async def test_requires_a_citizen_and_an_idempotency_key(self, h: Harness):
        payload = {"owner_service": "notary", "order_id": "o-1", "quote": h.quote()}
        assert (await h.client.post("/v1/payments", json=payload)).status_code == 401
        _, citizen = h.citizen()
        response = await h.client.post("/v1/payments", json=payload, headers=citizen)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"
        staff = await h.create(h.staff("admin"))
        assert staff.status_code == 403

    async def test_method_must_match_the_quote(self, h: Harness):
        _, citizen = h.citizen()
        quote = h.order_quote(citizen, "o-m", method="card")
        payload = {"owner_service": "notary", "order_id": "o-m", "quote": quote, "method": "wallet"}
        response = await h.client.post(
            "/v1/payments", json=payload, headers={**citizen, "Idempotency-Key": "key-m-0001"}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "quote_method_mismatch"


class TestQuoteIsChecked:
    async def _refused(self, h: Harness, quote: str, code: str) -> None:
        _, citizen = h.citizen()
        response = await h.create({**citizen, "Accept-Language": "en"}, quote=quote)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["code"] == "invalid_quote"
        assert body["errors"][0]["code"] == code
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_expired(self, h: Harness):
        now = int(time.time())
        await self._refused(h, h.catalog.sign({**quote_claims(), "iat": now - 900, "exp": now - 300}), "quote_expired")

    async def test_tampered(self, h: Harness):
        header, _payload, sig = h.quote().split(".")
        forged = h.quote(total_piastres=100, lines=[{**quote_claims()["lines"][0], "amount_piastres": 100}])
        await self._refused(h, f"{header}.{forged.split('.')[1]}.{sig}", "quote_bad_signature")

    async def test_signed_by_a_stranger(self, h: Harness):
        await self._refused(h, h.catalog.sign(quote_claims(), key=Ed25519PrivateKey.generate()), "quote_bad_signature")

    async def test_wrong_audience(self, h: Harness):
        await self._refused(h, h.catalog.sign({**quote_claims(), "aud": "shubbak-notary"}), "quote_wrong_audience")

    async def test_lines_must_add_up(self, h: Harness):
        await self._refused(h, h.quote(total_piastres=99999), "quote_malformed")

    async def test_a_free_service_needs_no_payment(self, h: Harness):
        free_line = {**quote_claims()["lines"][0], "amount_piastres": 0}
        await self._refused(h, h.quote(total_piastres=0, lines=[free_line]), "quote_nothing_to_pay")

    async def test_a_quote_without_a_governorate_is_accepted(self, h: Harness):
        _, citizen = h.citizen()
        response = await h.create(citizen, order_id="o-g", quote=h.order_quote(citizen, "o-g", governorate=None))
        assert response.status_code == 201, response.text

    async def test_arabic_by_default(self, h: Harness):
        _, citizen = h.citizen()
        response = await h.create(citizen, quote="not.a.quote-at-all-really")
        assert response.json()["title"] == "عرض السعر غير صالح"


class TestQuoteIsForTheOrder:
    """Only the quote the order's own service had catalog issue for that order and its citizen."""

    async def _refused(self, h: Harness, citizen: dict[str, str], quote: str, code: str, order_id: str) -> str:
        response = await h.create({**citizen, "Accept-Language": "en"}, order_id=order_id, quote=quote)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_quote"
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("body.quote", code)]
        return response.json()["errors"][0]["reason"]

    async def test_a_quote_for_browsing_fees_pays_nothing(self, h: Harness):
        _, citizen = h.citizen()
        reason = await self._refused(h, citizen, h.quote(), "quote_not_for_an_order", "o-browse")
        assert reason.startswith("This quote only shows the fee")
        arabic = await h.create(citizen, order_id="o-browse", quote=h.quote())
        assert arabic.json()["errors"][0]["reason"].startswith("عرض السعر هذا لبيان الرسوم فقط")

    async def test_another_orders_or_another_services_quote(self, h: Harness):
        _, citizen = h.citizen()
        other_order = h.order_quote(citizen, "o-other")
        await self._refused(h, citizen, other_order, "quote_another_order", "o-mine")
        ration_quote = h.order_quote(citizen, "o-mine", "ration", service_code="ration.card.replace_lost")
        await self._refused(h, citizen, ration_quote, "quote_another_order", "o-mine")  # paid as notary's
        assert await _count(h, order_id="o-mine") == 0

    async def test_someone_elses_order_does_not_exist(self, h: Harness):
        _, owner = h.citizen()
        _, stranger = h.citizen()
        order = f"order-{uuid.uuid4().hex[:8]}"
        stolen = h.order_quote(owner, order)
        response = await h.create({**stranger, "Accept-Language": "en"}, order_id=order, quote=stolen)
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "order_not_found"
        assert await _count(h, order_id=order) == 0

    async def test_a_live_payment_is_told_only_to_its_own_citizen(self, h: Harness):
        _, owner = h.citizen()
        _, stranger = h.citizen()
        order = f"order-{uuid.uuid4().hex[:8]}"
        mine = (await h.create(owner, order_id=order)).json()
        again = await h.create(owner, order_id=order)
        assert (again.status_code, again.json()["payment_id"]) == (409, mine["id"])
        # even with a quote naming them (catalog never issues one), a stranger learns nothing
        theirs = await h.create(stranger, order_id=order, quote=h.order_quote(stranger, order))
        assert theirs.status_code == 404, theirs.text
        assert mine["id"] not in theirs.text


class TestIdempotency:
    async def test_same_key_same_body_replays_the_same_intent(self, h: Harness):
        _, citizen = h.citizen()
        quote = h.order_quote(citizen, "order-replay")
        first = await h.create(citizen, order_id="order-replay", key="key-replay-0001", quote=quote)
        again = await h.create(citizen, order_id="order-replay", key="key-replay-0001", quote=quote)
        assert first.status_code == again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert again.json()["id"] == first.json()["id"]

    async def test_same_key_different_body_is_a_problem(self, h: Harness):
        _, citizen = h.citizen()
        first = await h.create(citizen, order_id="order-a", key="key-reused-0001")
        other = await h.create(citizen, order_id="order-b", key="key-reused-0001")
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency_key_reused"
        assert other.json()["payment_id"] == first.json()["id"]

    async def test_concurrent_duplicates_make_exactly_one_intent(self, h: Harness):
        _, citizen = h.citizen()
        order = f"order-{uuid.uuid4().hex[:8]}"
        quote = h.order_quote(citizen, order)
        responses = await asyncio.gather(
            *(h.create(citizen, order_id=order, key="key-concurrent-01", quote=quote) for _ in range(8))
        )
        assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
        assert len({r.json()["id"] for r in responses}) == 1
        assert sum("Idempotent-Replayed" in r.headers for r in responses) == 7
        assert await _count(h, order_id=order) == 1

    async def test_concurrent_different_keys_charge_one_order_once(self, h: Harness):
        _, citizen = h.citizen()
        order = f"order-{uuid.uuid4().hex[:8]}"
        responses = await asyncio.gather(*(h.create(citizen, order_id=order) for _ in range(6)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
        winner = next(r.json()["id"] for r in responses if r.status_code == 201)
        assert all(r.json()["payment_id"] == winner for r in responses if r.status_code == 409)
        assert await _count(h, order_id=order) == 1


class TestConfirm:
    async def test_card_redirects_to_the_acquirer(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        assert intent["status"] == "processing"
        assert intent["next_action"]["type"] == "redirect"
        assert intent["provider_reference"] in intent["next_action"]["url"]
        again = await h.client.post(f"/v1/payments/{intent['id']}/confirm", json={}, headers=citizen)
        assert again.json()["next_action"] == intent["next_action"]

    async def test_wallet_needs_the_mobile_and_pushes(self, h: Harness):
        _, citizen = h.citizen()
        created = (await h.create(citizen, method="wallet")).json()
        missing = await h.client.post(f"/v1/payments/{created['id']}/confirm", json={}, headers=citizen)
        assert missing.status_code == 422
        intent = await h.started(citizen, method="wallet")
        assert intent["next_action"] == {**intent["next_action"], "type": "approve_on_phone", "mobile": "010*****678"}

    async def test_cash_networks_give_a_reference_number(self, h: Harness):
        _, citizen = h.citizen()
        for method in ("post_office", "cash_network"):
            intent = await h.started(citizen, method=method)
            action = intent["next_action"]
            assert action["type"] == "pay_reference"
            assert action["reference_number"].isdigit()
            assert len(action["reference_number"]) == 12
            assert "130.00" in action["instructions"]["en"]

    async def test_another_citizen_cannot_see_or_confirm(self, h: Harness):
        _, owner = h.citizen()
        _, stranger = h.citizen()
        created = (await h.create(owner)).json()
        assert (await h.client.get(f"/v1/payments/{created['id']}", headers=stranger)).status_code == 404
        confirm = await h.client.post(f"/v1/payments/{created['id']}/confirm", json={}, headers=stranger)
        assert confirm.status_code == 404
        assert (await h.client.get(f"/v1/payments/{created['id']}", headers=h.staff("auditor"))).status_code == 200


class TestCancelAndExpire:
    async def test_cancel_frees_the_order_for_a_new_attempt(self, h: Harness):
        _, citizen = h.citizen()
        order = f"order-{uuid.uuid4().hex[:8]}"
        first = (await h.create(citizen, order_id=order)).json()
        assert (await h.create(citizen, order_id=order)).status_code == 409
        cancelled = await h.client.post(f"/v1/payments/{first['id']}/cancel", headers=citizen)
        assert cancelled.json()["status"] == "cancelled"
        assert (await h.client.post(f"/v1/payments/{first['id']}/cancel", headers=citizen)).status_code == 409
        assert (await h.create(citizen, order_id=order)).status_code == 201

    async def test_open_intents_expire(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="wallet")
        await h.sweep("expiry", at=h.clock.now() + timedelta(hours=1))
        expired = await h.get(intent["id"], citizen)
        assert expired["status"] == "expired"
        assert expired["failure_reason"] == "expired"
        history = (await h.client.get(f"/v1/payments/{intent['id']}/history", headers=citizen)).json()
        assert [row["to_status"] for row in history] == ["requires_payment", "processing", "expired"]
        assert history[-1]["actor"] == "system:expiry"


class TestList:
    async def test_pages_through_my_payments(self, h: Harness):
        _, citizen = h.citizen()
        made = [(await h.create(citizen)).json()["id"] for _ in range(3)]
        first = (await h.client.get("/v1/payments", params={"limit": 2}, headers=citizen)).json()
        second = (
            await h.client.get("/v1/payments", params={"limit": 2, "cursor": first["next_cursor"]}, headers=citizen)
        ).json()
        assert [i["id"] for i in first["items"] + second["items"]] == made
        assert second["next_cursor"] is None
