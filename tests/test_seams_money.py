"""Where the services meet over money, through the gateway of the whole platform: for every paid
order type, no money is kept without its service and each citizen sees only their own.

For each order type (`PAID_ORDERS`): citizen B paying citizen A's order answers as if it did not
exist (404); A paying with another order's or another service's quote, or with a quote for
browsing fees, is a 422 naming `body.quote`; two payments racing for one order make one payment
(the others are refused before anything is captured); the provider notifying twice has one
effect; a payment that completes after its order was cancelled is refunded (by the order/payment
contract: the owner refuses it, payment-svc refunds it). Then the money invariant holds, for A's
orders and for the whole platform: captured = fees of orders fulfilled or in progress + refunds.

Adding an order type (the next service): write a `PaidOrder` for it and append it to
`PAID_ORDERS`; every check here then runs for it too.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

import httpx
import pytest
from paperless_support import DEMO_PEOPLE, DEMO_SEED, DEMO_TODAY, Citizen, staff_token

from identity.registry.generate import write_csv  # the same synthetic registry the demo data loads
from kit.testing import eventually


@dataclass
class Order:
    """One of A's orders, as its owning service shows it."""

    id: str
    ref: str
    service_code: str
    fee: int
    payment: dict[str, Any]
    """What to send to `POST /v1/payments` (owner_service, order_id, the order's quote, method)."""


@dataclass
class Parties:
    client: httpx.AsyncClient
    a: Citizen
    b: Citizen
    agent: dict[str, str]
    staff: dict[str, str]
    """An auditor (the money invariant) who is also Port Said's ration officer (a card for A)."""
    card_id: str


class PaidOrder:
    """An order type a citizen pays for: how to open one, read it, and cancel it while unpaid."""

    name: ClassVar[str]
    fulfilled: ClassVar[tuple[str, ...]]
    """The order's statuses once its payment is applied: fulfilled or in progress."""

    async def open(self, parties: Parties, citizen: Citizen) -> Order:
        raise NotImplementedError

    def url(self, parties: Parties, order: Order) -> str:
        raise NotImplementedError

    async def cancel(self, parties: Parties, order: Order) -> None:
        response = await parties.client.post(f"{self.url(parties, order)}/cancellation", headers=parties.a.auth)
        assert response.status_code == 200, response.text

    async def _post(self, parties: Parties, citizen: Citizen, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await parties.client.post(url, json=body, headers=citizen.auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def status(self, parties: Parties, citizen: Citizen, order: Order) -> tuple[int, str | None]:
        response = await parties.client.get(self.url(parties, order), headers=citizen.auth)
        return response.status_code, response.json().get("status")

    def __repr__(self) -> str:
        return self.name


class PowerOfAttorney(PaidOrder):
    name = "power_of_attorney"
    fulfilled = ("paid", "appointment_booked")

    async def open(self, parties: Parties, citizen: Citizen) -> Order:
        poa_id, payment = await citizen.draft_and_quote(parties.agent)
        poa = await citizen.poa(poa_id)
        return Order(poa_id, poa["order_ref"], poa["service_code"], poa["amount_piastres"], payment)

    def url(self, parties: Parties, order: Order) -> str:
        return f"/v1/powers-of-attorney/{order.id}"


class Certificate(PaidOrder):
    name = "birth_certificate"
    fulfilled = ("issued",)

    async def open(self, parties: Parties, citizen: Citizen) -> Order:
        made = await self._post(parties, citizen, "/v1/certificates", {"kind": "birth", "method": "wallet"})
        return Order(made["id"], made["order_ref"], made["service_code"], made["amount_piastres"], made["payment"])

    def url(self, parties: Parties, order: Order) -> str:
        return f"/v1/certificates/{order.id}"


class CardOrder(PaidOrder):
    """An order about A's ration card: its fee under `fee`, withdrawn with DELETE."""

    async def _open(self, parties: Parties, citizen: Citizen, url: str, body: dict[str, Any]) -> Order:
        made = await self._post(parties, citizen, url, body)
        fee = made["fee"]
        return Order(made["id"], made["order_ref"], fee["service_code"], fee["amount_piastres"], made["payment"])

    async def cancel(self, parties: Parties, order: Order) -> None:
        response = await parties.client.delete(self.url(parties, order), headers=parties.a.auth)
        assert response.status_code == 200, response.text


class CardReplacement(CardOrder):
    name = "ration_card_replacement"
    fulfilled = ("issued",)

    async def open(self, parties: Parties, citizen: Citizen) -> Order:
        body = {"reason": "damaged", "method": "wallet"}
        return await self._open(parties, citizen, f"/v1/ration-card/{parties.card_id}/replacements", body)

    def url(self, parties: Parties, order: Order) -> str:
        return f"/v1/ration-card/{parties.card_id}/replacements/{order.id}"


class NewbornAddition(CardOrder):
    """A newborn added to A's ration card: A is a father whose newborns the registry knows and the
    supply office's file does not (`people_of_our_own`); each order is for the next of them."""

    name = "ration_card_add_newborn"
    fulfilled = ("completed",)

    def __init__(self) -> None:
        self.asked: set[str] = set()

    async def open(self, parties: Parties, citizen: Citizen) -> Order:
        newborn = next(n for n in newborns_of(citizen.person) if n not in self.asked)
        self.asked.add(newborn)
        body = {"kind": "add_newborn", "national_id": newborn, "method": "wallet"}
        order = await self._open(parties, citizen, f"/v1/ration-card/{parties.card_id}/member-requests", body)
        assert (await self.status(parties, citizen, order))[1] == "awaiting_payment"  # the registry proved it
        return order

    def url(self, parties: Parties, order: Order) -> str:
        return f"/v1/ration-card-requests/{order.id}"


PAID_ORDERS: list[PaidOrder] = [PowerOfAttorney(), Certificate(), CardReplacement(), NewbornAddition()]
"""Every order type a citizen pays for. Append the next one here."""


@functools.cache
def demo_people() -> list[dict[str, str]]:
    out = io.StringIO()
    write_csv(out, DEMO_PEOPLE, seed=DEMO_SEED, today=DEMO_TODAY)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def newborns_of(father: dict[str, str]) -> list[str]:
    """The father's living children born in the registry extract's last year (after the supply
    office's file: on no card yet)."""
    people = demo_people()
    since = (max(date.fromisoformat(p["birth_date"]) for p in people) - timedelta(days=365)).isoformat()
    return [
        p["national_id"]
        for p in people
        if p["father_national_id"] == father["national_id"] and p["alive"] == "true" and p["birth_date"] >= since
    ]


def older_children(father: dict[str, str], people: list[dict[str, str]]) -> int:
    since = (max(date.fromisoformat(p["birth_date"]) for p in people) - timedelta(days=365)).isoformat()
    return sum(
        1
        for p in people
        if p["father_national_id"] == father["national_id"] and p["alive"] == "true" and p["birth_date"] < since
        and p["marital_status"] == "single"
    )  # fmt: skip


async def card_of(client: httpx.AsyncClient, citizen: Citizen, officer: dict[str, str]) -> str:
    """A's ration card in Port Said: theirs if they hold one, else imported as a governorate would."""
    mine = await client.get("/v1/ration-card", headers=citizen.auth)
    if mine.status_code == 404:
        number = f"03-SEAMS-{uuid.uuid4().hex[:8]}"
        csv = f"card_number,supply_office,national_id,relation\n{number},PS-01,{citizen.person['national_id']},holder\n"
        imported = await client.post(
            "/v1/ration-imports/households",
            params={"governorate": "03"},
            content=csv.encode(),
            headers={**officer, "Content-Type": "text/csv"},
        )
        assert imported.status_code == 201, imported.text
        assert imported.json()["rows_accepted"] == 1, imported.text
        mine = await client.get("/v1/ration-card", headers=citizen.auth)
    assert mine.status_code == 200, mine.text
    assert mine.json()["holder_national_id"] == citizen.person["national_id"], "A must hold the card"
    return str(mine.json()["id"])


async def people_of_our_own(client: httpx.AsyncClient) -> tuple[dict[str, str], ...]:
    """A, B and an agent: three people of the demo registry no other test uses. A is a married
    father, holder of his household's card, with two newborns the card does not list yet (one
    order each) and two older children (so tests/test_card_services.py, which takes fathers of
    small families, never takes him), where powers of attorney, certificates and newborn additions
    are live, not Port Said (the other flows take its adults)."""
    people = demo_people()
    adults = [
        r
        for r in people
        if r["alive"] == "true" and r["birth_date"] < "1995-01-01" and r["governorate"] not in ("03", "88")
    ]
    live: dict[str, bool] = {}
    for person in adults:
        if person["sex"] != "male" or person["marital_status"] != "married":
            continue
        if len(newborns_of(person)) < 2 or older_children(person, people) < 2:
            continue
        where = person["governorate"]
        if where not in live:
            quotes = [
                await client.get(f"/v1/services/{code}/quote", params={"channel": "web", "method": "wallet",
                                                                       "governorate": where})
                for code in ("notary.poa.general", "civil.certificate.birth", "ration.card.add_newborn")
            ]  # fmt: skip
            live[where] = all(q.status_code == 200 for q in quotes)
        if live[where]:
            family = {person["national_id"], person["spouse_national_id"]}
            others = [p for p in adults if p["national_id"] not in family and person["national_id"] not in
                      (p["father_national_id"], p["mother_national_id"])]  # fmt: skip
            return person, others[0], others[1]
    pytest.fail("no father of two newborns where powers of attorney, certificates and newborn additions are live")


@pytest.fixture(scope="module")
async def parties(platform: Any) -> AsyncIterator[Parties]:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        principal, stranger, agent = await people_of_our_own(client)
        a, b = Citizen(client, principal), Citizen(client, stranger)
        await a.enrol()
        await b.enrol()
        offices = (await client.get("/v1/offices", params={"governorate": "03", "limit": 1})).json()["items"]
        staff = await staff_token(client, platform, "auditor", "ration_officer", office_id=offices[0]["id"])
        card_id = await card_of(client, a, staff)
        yield Parties(client, a, b, agent, staff, card_id)


async def create(parties: Parties, citizen: Citizen, payment: dict[str, Any]) -> httpx.Response:
    headers = {**citizen.auth, "Idempotency-Key": str(uuid.uuid4())}
    return await parties.client.post("/v1/payments", json=payment, headers=headers)


async def confirm(parties: Parties, citizen: Citizen, payment_id: str) -> str:
    """Hand the payment to the wallet provider; its reference."""
    body = {"wallet_mobile": citizen.mobile}
    response = await parties.client.post(f"/v1/payments/{payment_id}/confirm", json=body, headers=citizen.auth)
    assert response.status_code == 200, response.text
    return str(response.json()["provider_reference"])


async def at_provider(parties: Parties, reference: str, action: str) -> dict[str, Any]:
    response = await parties.client.post(f"/v1/payment-sandbox/wallet/{reference}/{action}")
    assert response.status_code == 200, response.text
    return response.json()


async def payment(parties: Parties, citizen: Citizen, payment_id: str) -> dict[str, Any]:
    response = await parties.client.get(f"/v1/payments/{payment_id}", headers=citizen.auth)
    assert response.status_code == 200, response.text
    return response.json()


def refused_quote(response: httpx.Response, code: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("body.quote", code)], body
    assert body["errors"][0]["reason"]  # in the caller's language (English here)


async def another_services_quote(parties: Parties, kind: PaidOrder) -> str:
    """A's quote for an order of another service (a certificate's, or a power of attorney's)."""
    other = PowerOfAttorney() if isinstance(kind, Certificate) else Certificate()
    return str((await other.open(parties, parties.a)).payment["quote"])


@pytest.mark.parametrize("kind", PAID_ORDERS, ids=repr)
async def test_no_money_is_kept_without_its_service(parties: Parties, kind: PaidOrder) -> None:
    a, b, client = parties.a, parties.b, parties.client
    first = await kind.open(parties, a)
    assert first.payment["order_id"] == first.id

    # B pays A's order (with A's quote, leaked): as if it did not exist; B cannot even see it
    stranger = await create(parties, b, first.payment)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "order_not_found"), stranger.text
    assert (await kind.status(parties, b, first))[0] == 404

    # another service's quote, or a quote for browsing fees, pays nothing
    refused_quote(await create(parties, a, {**first.payment, "quote": await another_services_quote(parties, kind)}),
                  "quote_another_order")  # fmt: skip
    browse = await client.get(
        f"/v1/services/{first.service_code}/quote", params={"channel": "web", "method": "wallet", "governorate": "03"}
    )
    assert browse.status_code == 200, browse.text
    refused_quote(
        await create(parties, a, {**first.payment, "quote": browse.json()["token"]}), "quote_not_for_an_order"
    )

    # two payments race for the order: one is made, the others are refused before any capture
    raced = await asyncio.gather(*(create(parties, a, first.payment) for _ in range(4)))
    assert sorted(r.status_code for r in raced) == [201, 409, 409, 409], [r.text for r in raced]
    winner = next(r.json() for r in raced if r.status_code == 201)
    assert {r.json()["payment_id"] for r in raced if r.status_code == 409} == {winner["id"]}  # A's own: told

    # the provider notifies twice: one capture, one fulfilment
    reference = await confirm(parties, a, winner["id"])
    assert [d["outcome"] for d in (await at_provider(parties, reference, "approve"))["deliveries"]] == ["succeeded"]
    assert [d["outcome"] for d in (await at_provider(parties, reference, "duplicate"))["deliveries"]] == ["duplicate"]

    async def fulfilled() -> bool:
        return (await kind.status(parties, a, first))[1] in kind.fulfilled

    await eventually(fulfilled, f"{kind.name} {first.id} fulfilled or in progress")

    # a second order: its quote does not pay the first; paid after it was cancelled, it is refunded
    second = await kind.open(parties, a)
    refused_quote(await create(parties, a, {**first.payment, "quote": second.payment["quote"]}), "quote_another_order")
    late = await create(parties, a, second.payment)
    assert late.status_code == 201, late.text
    late_reference = await confirm(parties, a, late.json()["id"])
    await kind.cancel(parties, second)
    await at_provider(parties, late_reference, "approve")

    async def refunded() -> dict[str, Any] | None:
        found = await payment(parties, a, late.json()["id"])
        return found if found["status"] == "refunded" else None

    returned = await eventually(refunded, f"the refund of the payment of cancelled {kind.name} {second.id}")
    assert returned["refunded_piastres"] == returned["amount_piastres"] == second.fee
    await at_provider(parties, late_reference, "duplicate")  # a late repeat refunds nothing more
    refunds = (await client.get(f"/v1/payments/{returned['id']}/refunds", headers=a.auth)).json()
    assert [(r["amount_piastres"], r["automatic"]) for r in refunds] == [(second.fee, True)]
    assert (await kind.status(parties, a, second))[1] == "cancelled"

    # the money of A's two orders: the first's fee is kept, the second's refunded; nothing else
    mine = await all_payments(parties, a)
    of_these = [p for p in mine if p["order_ref"] in (first.ref, second.ref)]
    captured = [p for p in of_these if p["receipt_number"] is not None]
    kept = sum(p["amount_piastres"] - p["refunded_piastres"] for p in captured)
    assert sorted((p["order_ref"], p["status"]) for p in captured) == sorted(
        [(first.ref, "succeeded"), (second.ref, "refunded")]
    )
    assert (kept, sum(p["refunded_piastres"] for p in captured)) == (first.fee, second.fee)
    assert next(p for p in captured if p["order_ref"] == first.ref)["amount_piastres"] == first.fee

    # each citizen sees only their own
    assert (await client.get(f"/v1/payments/{winner['id']}", headers=b.auth)).status_code == 404
    assert not {p["id"] for p in await all_payments(parties, b)} & {p["id"] for p in mine}

    await invariant_holds(parties)


async def all_payments(parties: Parties, citizen: Citizen) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = (await parties.client.get("/v1/payments", params=params, headers=citizen.auth)).json()
        found += page["items"]
        if not (cursor := page["next_cursor"]):
            return found


async def invariant_holds(parties: Parties) -> dict[str, Any]:
    """The whole platform: captured = fees kept for orders fulfilled or in progress + refunds,
    once every payment in flight has its owner's answer."""

    async def settled() -> dict[str, Any] | None:
        response = await parties.client.get("/v1/payments/ledger/invariant", headers=parties.staff)
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["holds"], report["held"]  # never anything held without its service
        return report if report["settled"] else None

    report = await eventually(settled, "every payment answered by its owner")
    assert report["captured_piastres"] == report["kept_piastres"] + report["refunded_piastres"]
    assert report["intents_agree"], report
    assert report["ledger_agrees"], report
    return report
