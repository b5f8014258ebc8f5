"""Replacement cards as a paid service, against real PostgreSQL, NATS and a real catalog-svc
(its own process, on its own migrated database, seeded catalogue): the fee is the catalogue's, bound to
the order and its holder; the payment arrives on NATS as payment-svc's relay would publish it, a
lost card stops at once, a damaged one works until the new number is issued, a payment delivered
twice issues one card, and a payment the order cannot take is refused (payment-svc refunds it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import jwt
import pytest
from ration_support import RULES_2025, citizen_id, nid, now, settings, started
from sqlalchemy import func, select

from contracts import Envelope, Event
from contracts.events.payment import FailureReason, PaymentFailed, PaymentSucceeded
from devstack.ports import free_port
from kit.testing import eventually, signed, stream_messages
from ration.audit.models import AuditEntry
from ration.cards import service as cards
from ration.cards.models import CardIssue, ReplacementOrder
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn

EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
async def catalog_http(catalog):
    """The real catalog-svc's public API, to read the published fees."""
    async with httpx.AsyncClient(base_url=catalog.url) as client:
        yield client


@pytest.fixture(scope="module")
async def client(ration_url, nats_server, tokens, sessions, catalog):
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())
    async with started(settings(ration_url, nats_server.url, catalog_url=catalog.url), tokens) as (_, http):
        yield http


async def new_card(sessions, governorate: str = "03"):
    holder, spouse = nid(governorate=governorate), nid(male=False, governorate=governorate)
    async with sessions() as session, session.begin():
        card = await cards.create_household(
            session,
            governorate=governorate,
            supply_office="PS-01",
            holder_national_id=holder,
            members=[(spouse, "spouse")],
            now=now(),
        )
    return card, holder, spouse


async def catalogue_fee(catalog_http, code: str, method: str = "card", channel: str = "web") -> int:
    response = await catalog_http.get(
        f"/v1/services/{code}/quote", params={"channel": channel, "method": method, "governorate": "03"}
    )
    assert response.status_code == 200, response.text
    return response.json()["total_piastres"]


async def publish(js, event: Event, *, msg_id: str | None = None) -> Envelope:
    envelope = Envelope.wrap(event, source="payment-svc")
    await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": msg_id or str(envelope.id)})
    return envelope


def succeeded(
    order: dict,
    holder: str,
    *,
    amount: int | None = None,
    service_code: str | None = None,
    payment_id: uuid.UUID | None = None,
) -> PaymentSucceeded:
    """payment-svc's announcement of a payment of `order` by `holder` (national ID)."""
    return PaymentSucceeded(
        payment_id=payment_id or uuid.uuid4(),
        citizen_id=citizen_id(holder),
        service_code=service_code or order["fee"]["service_code"],
        order_ref=order["order_ref"],
        amount_piastres=amount if amount is not None else order["fee"]["amount_piastres"],
        method=order["payment"]["method"] if order.get("payment") else "card",
        provider_reference=f"tx_{uuid.uuid4().hex[:8]}",
        paid_at=datetime.now(UTC),
    )


def failed(order: dict, reason: FailureReason = "declined") -> PaymentFailed:
    return PaymentFailed(
        payment_id=uuid.uuid4(),
        citizen_id=uuid.uuid4(),
        service_code=order["fee"]["service_code"],
        order_ref=order["order_ref"],
        reason=reason,
        failed_at=datetime.now(UTC),
    )


async def ask(client, tokens, card, holder: str, reason: str, **body) -> dict:
    response = await client.post(
        f"/v1/ration-card/{card.id}/replacements", json={"reason": reason, **body}, headers=tokens.citizen(holder)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def order_reaches(client, tokens, card, holder: str, order_id: str, check) -> dict:
    async def reached():
        body = (
            await client.get(f"/v1/ration-card/{card.id}/replacements/{order_id}", headers=tokens.citizen(holder))
        ).json()
        return body if check(body) else None

    return await eventually(reached)


async def card_view(client, tokens, holder: str) -> dict:
    response = await client.get("/v1/ration-card", headers=tokens.citizen(holder))
    assert response.status_code == 200, response.text
    return response.json()


async def ration_events(js, subject: str, key: str, value: str) -> list[dict]:
    found = [Envelope.from_bytes(m.data) for m in await stream_messages(js, "RATION", subject)]
    return [e.data for e in found if str(e.data.get(key)) == value]


class TestLostCard:
    async def test_stops_at_once_and_is_replaced_on_payment_of_the_catalogue_fee(
        self, client, js, tokens, sessions, catalog_http
    ):
        card, holder, _ = await new_card(sessions)
        order = await ask(client, tokens, card, holder, "lost")
        assert order["status"] == "awaiting_payment"
        assert order["fee"]["service_code"] == "ration.card.replace_lost"
        assert order["fee"]["amount_piastres"] == await catalogue_fee(catalog_http, "ration.card.replace_lost")
        assert order["payment"] == {
            "owner_service": "ration",
            "order_id": order["id"],
            "quote": order["payment"]["quote"],
            "method": "card",
        }
        assert order["order_ref"] == f"ration:{order['id']}"
        assert "POST /v1/payments" in order["next_step"]["en"]
        assert order["next_step"]["ar"]
        # the lost number is stopped before any payment
        assert order["old_card_valid"] is False
        view = await card_view(client, tokens, holder)
        assert view["card_number"] == card.card_number
        assert view["card_valid"] is False

        await publish(js, succeeded(order, holder))
        done = await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["status"] == "issued")
        assert done["paid_piastres"] == order["fee"]["amount_piastres"]
        assert done["payment"] is None
        assert done["new_card_number"] not in (None, card.card_number)
        view = await card_view(client, tokens, holder)
        assert view["card_number"] == done["new_card_number"]
        assert view["card_valid"] is True

        async def replaced():
            return await ration_events(js, "ration.card.replaced.v1", "order_id", order["id"])

        [event] = await eventually(replaced)
        assert event["old_card_number"] == card.card_number
        assert event["new_card_number"] == done["new_card_number"]
        assert event["amount_piastres"] == order["fee"]["amount_piastres"]
        async with sessions() as session:
            actions = await session.scalars(
                select(AuditEntry.action).where(AuditEntry.target_id == str(card.id)).order_by(AuditEntry.id)
            )
            assert ["replacement.requested", "card.replaced"] == [
                a for a in actions if a.startswith(("replacement", "card.replaced"))
            ]


class TestDamagedCard:
    async def test_works_until_issue_and_two_deliveries_issue_one_card(
        self, client, js, tokens, sessions, catalog_http
    ):
        card, holder, _ = await new_card(sessions)
        order = await ask(client, tokens, card, holder, "damaged", method="wallet")
        assert order["fee"]["amount_piastres"] == await catalogue_fee(
            catalog_http, "ration.card.replace_damaged", method="wallet"
        )
        assert order["old_card_valid"] is True
        assert (await card_view(client, tokens, holder))["card_valid"] is True

        envelope = await publish(js, succeeded(order, holder))
        # the same event again under another Nats-Msg-Id: only the inbox can stop it
        await js.publish(envelope.type, signed(envelope), headers={"Nats-Msg-Id": str(uuid.uuid4())})
        await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["status"] == "issued")
        # a later payment event on the same stream shows the duplicate was consumed before it
        other, other_holder, _ = await new_card(sessions)
        other_order = await ask(client, tokens, other, other_holder, "damaged")
        await publish(js, failed(other_order))
        await order_reaches(client, tokens, other, other_holder, other_order["id"], lambda b: b["failed_payments"] == 1)

        async with sessions() as session:
            issues = await session.scalars(select(CardIssue).where(CardIssue.household_id == card.id))
            numbers = {i.card_number: i for i in issues}
        assert len(numbers) == 2  # the first card and exactly one replacement
        assert numbers[card.card_number].invalidated_at is not None
        assert numbers[card.card_number].invalidated_reason == "damaged"
        assert len(await ration_events(js, "ration.card.replaced.v1", "order_id", order["id"])) == 1


class TestRules:
    async def test_one_open_order_per_card_holder_only(self, client, tokens, sessions):
        card, holder, spouse = await new_card(sessions)
        first = await ask(client, tokens, card, holder, "damaged")
        again = await client.post(
            f"/v1/ration-card/{card.id}/replacements", json={"reason": "lost"}, headers={**tokens.citizen(holder), **EN}
        )
        assert again.status_code == 409
        assert again.json()["code"] == "replacement_already_open"
        assert again.json()["order_id"] == first["id"]
        arabic = await client.post(
            f"/v1/ration-card/{card.id}/replacements", json={"reason": "lost"}, headers=tokens.citizen(holder)
        )
        assert arabic.json()["title"] == "يوجد طلب بدل مفتوح لهذه البطاقة"
        member = await client.post(
            f"/v1/ration-card/{card.id}/replacements", json={"reason": "lost"}, headers=tokens.citizen(spouse)
        )
        assert member.status_code == 403
        assert member.json()["code"] == "not_card_holder"
        stranger = await client.post(
            f"/v1/ration-card/{card.id}/replacements", json={"reason": "lost"}, headers=tokens.citizen(nid())
        )
        assert stranger.status_code == 404
        bad = await client.post(
            f"/v1/ration-card/{card.id}/replacements", json={"reason": "stolen"}, headers=tokens.citizen(holder)
        )
        assert bad.status_code == 422

    async def test_catalog_down_is_503_and_nothing_is_made(self, ration_url, nats_server, client, tokens, sessions):
        card, holder, _ = await new_card(sessions)
        down = settings(
            ration_url, nats_server.url, catalog_url=f"http://127.0.0.1:{free_port()}", catalog_attempts=2,
            run_consumers=False, run_relay=False,  # a second instance of the service, whose catalog is away
        )  # fmt: skip
        async with started(down, tokens) as (_, other):
            response = await other.post(
                f"/v1/ration-card/{card.id}/replacements",
                json={"reason": "lost"},
                headers={**tokens.citizen(holder), **EN},
            )
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "catalog_unavailable"
        assert (await card_view(client, tokens, holder))["card_valid"] is True
        async with sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(ReplacementOrder).where(ReplacementOrder.household_id == card.id)
            )
        assert count == 0

    async def test_catalogue_refusal_is_409(self, client, tokens, sessions):
        card, holder, _ = await new_card(sessions, governorate="11")  # Damietta: not live until 2027
        response = await client.post(
            f"/v1/ration-card/{card.id}/replacements", json={"reason": "lost"}, headers={**tokens.citizen(holder), **EN}
        )
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "quote_refused"
        assert (await card_view(client, tokens, holder))["card_valid"] is True


class TestPaymentOutcomes:
    async def test_a_failed_payment_leaves_it_payable_with_a_new_quote(
        self, client, js, tokens, sessions, catalog_http
    ):
        card, holder, _ = await new_card(sessions)
        order = await ask(client, tokens, card, holder, "damaged")
        await publish(js, failed(order, "declined"))
        again = await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["failed_payments"] == 1)
        assert again["status"] == "awaiting_payment"
        assert again["last_payment_failure"] == "declined"
        requoted = await client.post(
            f"/v1/ration-card/{card.id}/replacements/{order['id']}/quote",
            json={"method": "wallet"},
            headers=tokens.citizen(holder),
        )
        assert requoted.status_code == 200, requoted.text
        fresh = requoted.json()
        assert fresh["fee"]["quote_id"] != order["fee"]["quote_id"]
        assert fresh["fee"]["amount_piastres"] == await catalogue_fee(
            catalog_http, "ration.card.replace_damaged", method="wallet"
        )
        await publish(js, succeeded(fresh, holder))
        await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["status"] == "issued")

    async def test_cancel_then_a_late_payment_is_refunded(self, client, js, tokens, sessions):
        card, holder, _ = await new_card(sessions)
        order = await ask(client, tokens, card, holder, "lost")
        url = f"/v1/ration-card/{card.id}/replacements/{order['id']}"
        cancelled = await client.delete(url, headers=tokens.citizen(holder))
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["old_card_valid"] is False  # a lost card stays stopped
        twice = await client.delete(url, headers={**tokens.citizen(holder), **EN})
        assert twice.status_code == 409
        assert twice.json()["code"] == "replacement_state_conflict"

        payment = succeeded(order, holder)
        await publish(js, payment)
        ended = await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["refund_requested"])
        assert ended["status"] == "cancelled"
        assert ended["new_card_number"] is None
        assert (await answers(js, payment.payment_id)) == [("refused", "order_cancelled")]
        cancellations = await ration_events(js, "ration.card.replacement_cancelled.v1", "order_id", order["id"])
        assert [e["refund_due"] for e in cancellations] == [False]
        assert (await card_view(client, tokens, holder))["card_number"] == card.card_number
        # the card is free for a new order
        await ask(client, tokens, card, holder, "lost")

    async def test_not_the_orders_own_is_refused_then_its_own_issues_once(self, client, js, tokens, sessions):
        card, holder, _ = await new_card(sessions)
        order = await ask(client, tokens, card, holder, "lost")
        claims = jwt.decode(order["payment"]["quote"], options={"verify_signature": False})
        assert (claims["order_ref"], claims["sub"]) == (order["order_ref"], str(citizen_id(holder)))
        wrong = {
            "service_mismatch": succeeded(order, holder, service_code="ration.card.replace_damaged"),
            "amount_mismatch": succeeded(order, holder, amount=1),
            "citizen_mismatch": succeeded(order, nid()),
        }
        for event in wrong.values():
            await publish(js, event)
        for reason, event in wrong.items():
            assert await answers(js, event.payment_id) == [("refused", reason)]
        pending = await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["refund_requested"])
        assert (pending["status"], pending["new_card_number"]) == ("awaiting_payment", None)

        good = succeeded(order, holder)
        await publish(js, good)
        await order_reaches(client, tokens, card, holder, order["id"], lambda b: b["status"] == "issued")
        second = succeeded(order, holder)  # two payments raced for the order
        await publish(js, second)
        await publish(js, succeeded(order, holder, payment_id=good.payment_id))  # payment-svc asks again
        assert await answers(js, second.payment_id) == [("refused", "already_paid")]
        assert await answers(js, good.payment_id, 2) == [("applied", None), ("applied", None)]
        assert len(await ration_events(js, "ration.card.replaced.v1", "order_id", order["id"])) == 1

    async def test_a_payment_for_no_order_is_refused(self, js):
        fee = {"service_code": "ration.card.replace_lost", "amount_piastres": 1050}
        stray = succeeded({"order_ref": f"ration:{uuid.uuid4()}", "fee": fee}, nid())
        await publish(js, stray)
        assert await answers(js, stray.payment_id) == [("refused", "order_not_found")]


async def answers(js, payment_id: uuid.UUID, count: int = 1) -> list[tuple[str, str | None]]:
    """What ration-svc answered payment-svc about a payment, in order (waits for `count`)."""

    async def enough():
        found = [Envelope.from_bytes(m.data) for m in await stream_messages(js, "PAYMENT", "payment.order.")]
        mine = [(e.type.split(".")[2], e.data.get("reason")) for e in found if e.subject == str(payment_id)]
        return mine if len(mine) >= count else None

    return await eventually(enough)


class TestListing:
    async def test_newest_first_paginated(self, client, tokens, sessions):
        card, holder, _ = await new_card(sessions)
        first = await ask(client, tokens, card, holder, "damaged")
        await client.delete(f"/v1/ration-card/{card.id}/replacements/{first['id']}", headers=tokens.citizen(holder))
        second = await ask(client, tokens, card, holder, "lost")
        url = f"/v1/ration-card/{card.id}/replacements"
        page = (await client.get(url, params={"limit": 1}, headers=tokens.citizen(holder))).json()
        assert [o["id"] for o in page["items"]] == [second["id"]]
        rest = (
            await client.get(url, params={"limit": 1, "cursor": page["next_cursor"]}, headers=tokens.citizen(holder))
        ).json()
        assert [o["id"] for o in rest["items"]] == [first["id"]]
        assert rest["next_cursor"] is None
        _other, other_holder, _ = await new_card(sessions)
        assert (await client.get(url, headers=tokens.citizen(other_holder))).status_code == 404
        missing = await client.get(f"{url}/{uuid.uuid4()}", headers=tokens.citizen(holder))
        assert missing.status_code == 404
        assert missing.json()["code"] == "replacement_not_found"
