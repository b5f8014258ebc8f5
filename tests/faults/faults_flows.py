"""Paperless flows as patient citizens run them while something breaks, and what each left behind.

Three kinds, each a citizen of their own (so everything the citizen has belongs to the flow):
- a general power of attorney: enrol → draft → quote → pay (wallet) → appointment booked by
  event → a clerk of that office checks the principal in and verifies → issued;
- a birth certificate: enrol → request → pay → issued;
- a ration card replacement (بدل تالف): enrol → my card → request → pay → new card number.

A flow is *accepted* once payment-svc has captured its fee (the intent `succeeded`): from then
on finishing it is the platform's job. Before that the citizen recovers as a person would: a
request that got no answer is tried again (`paperless_support.send`), a wallet payment the
provider lost (it lives in payment-svc's process in development) is cancelled and paid again,
an enrolment whose code was forgotten is started again. After the fault, `audit()` counts
what the flow's citizen has: documents, captures, appointments, replacement cards.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from paperless_support import DEMO_AUDITOR, Citizen, Unanswered, create_staff, registry_people, send, staff_sign_in

PATIENCE = 90.0
"""How long a citizen keeps trying one request while a service is away: longer than the gateway
holds an `Idempotency-Key` whose holder crashed (its upstream timeout x 4 + 30 s)."""
POLL = 0.3


class FlowFailed(AssertionError):
    pass


@dataclass
class Flow:
    kind: str
    person: dict[str, str]
    mobile: str
    citizen: Citizen | None = None
    order: str = ""
    service_code: str = ""
    fee: int = 0
    accepted_at: float | None = None
    completed_at: float | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    captured: int = 0
    refunded: int = 0

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    def __str__(self) -> str:
        state = "completed" if self.completed else "accepted" if self.accepted else "not accepted"
        return f"{self.kind} {self.order or '-'} of {self.person['national_id']}: {state}" + (
            f" ({self.error})" if self.error else ""
        )


class World:
    """What the flows share on one platform: the client, people not used yet, clerks per
    office, the ration officer's households, the auditor."""

    def __init__(self, client: httpx.AsyncClient, postgres: str, people: list[dict[str, str]]) -> None:
        self.client = client
        self.postgres = postgres
        self.people: Iterator[dict[str, str]] = iter(people)
        self.agents = people[-20:]  # never principals: the pool is consumed from the front
        first = secrets.randbelow(10**8 - 10**5)  # one mobile per citizen, unlike any earlier run's
        self.mobiles = (f"015{n:08d}" for n in range(first, first + 10**5))
        self.clerks: dict[str, dict[str, str]] = {}
        self.clerk_locks: dict[str, asyncio.Lock] = {}
        self.households: list[dict[str, str]] = []
        self.auditor: dict[str, str] = {}

    def person(self) -> dict[str, str]:
        return next(self.people)

    def flow(self, kind: str) -> Flow:
        if kind == "ration":
            holder = self.households.pop()
            return Flow(kind, holder, next(self.mobiles))
        return Flow(kind, self.person(), next(self.mobiles))

    async def prepare(self, ration_households: int) -> None:
        """The auditor signs in; a ration officer of Port Said imports households whose holders
        the ration flows will be."""
        self.auditor = await staff_sign_in(self.client, *DEMO_AUDITOR, patience=PATIENCE)
        officer = await create_staff(
            self.postgres, role="ration_officer", office_id="PS-East-01", governorate="03", prefix="officer"
        )
        headers = await staff_sign_in(self.client, officer, patience=PATIENCE)
        holders = [self.person() for _ in range(ration_households)]
        tag = uuid.uuid4().hex[:6].upper()
        rows = [f"FLT{tag}{i:04d},PS-East-01,{p['national_id']},holder" for i, p in enumerate(holders)]
        body = "card_number,supply_office,national_id,relation\n" + "\n".join(rows) + "\n"
        await send(
            self.client, "POST", "/v1/ration-imports/households", expect=(201,), patience=PATIENCE,
            params={"governorate": "03", "filename": f"faults-{tag}.csv"}, content=body.encode(),
            headers={**headers, "Content-Type": "text/csv"},
        )  # fmt: skip
        self.households = holders

    async def clerk(self, office_id: str, governorate: str) -> dict[str, str]:
        """The notary clerk of that office (made on first need, as ops would)."""
        lock = self.clerk_locks.setdefault(office_id, asyncio.Lock())
        async with lock:
            if office_id not in self.clerks:
                username = await _retrying(
                    lambda: create_staff(
                        self.postgres, role="notary_clerk", office_id=office_id, governorate=governorate, prefix="clerk"
                    )
                )
                self.clerks[office_id] = await staff_sign_in(self.client, username, patience=PATIENCE)
            return self.clerks[office_id]

    async def ledger(self) -> dict[str, Any]:
        found = await send(
            self.client, "GET", "/v1/payments/ledger/balances", expect=(200,), patience=PATIENCE, headers=self.auditor
        )
        balances: dict[str, Any] = found.json()
        return balances


SERVICE_CODES = ("notary.poa.general", "civil.certificate.birth")


async def live_people(client: httpx.AsyncClient) -> list[dict[str, str]]:
    """Adults of the demo registry where both the power of attorney and the birth certificate
    are live (Port Said first)."""
    live: set[str] | None = None
    for code in SERVICE_CODES:
        rollout = await send(client, "GET", f"/v1/services/{code}/rollout", expect=(200,), patience=PATIENCE)
        here = {e["governorate"] for e in rollout.json()["items"] if e["status"] in ("pilot", "live")}
        live = here if live is None else live & here
    assert live, "no governorate where every flow's service is live"
    return registry_people(sorted(live, key=lambda g: (g != "03", g)))


async def make_world(client: httpx.AsyncClient, postgres: str, *, ration_households: int) -> World:
    world = World(client, postgres, await live_people(client))
    await world.prepare(ration_households)
    return world


async def _retrying(make: Callable[[], Awaitable[str]], patience: float = PATIENCE) -> str:
    """The staff command talks to identity's database: retried while PostgreSQL is away."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await make()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1.0)


# -- the citizen's side --------------------------------------------------------------------------


async def enrol(world: World, flow: Flow) -> Citizen:
    """Enrol (or sign in if an earlier try got through), starting again if the code is lost."""
    citizen = Citizen(world.client, flow.person, mobile=flow.mobile, patience=PATIENCE)
    flow.citizen = citizen
    body = {
        "national_id": flow.person["national_id"],
        "first_name": flow.person["first_name_ar"],
        "mother_first_name": flow.person["mother_first_name_ar"],
        "mobile": citizen.mobile,
    }
    deadline = time.monotonic() + 2 * PATIENCE
    while time.monotonic() < deadline:
        before = len(await citizen.sms_sent())
        started = await citizen.public("POST", "/v1/enrolments", expect=(201, 202, 409), json=body)
        if started.status_code == 409:  # an earlier try enrolled us, its answer lost
            assert started.json()["code"] == "already_enrolled", started.text
            await citizen.sign_in()
            return citizen
        code = await _code(citizen, before)
        if code is None:
            continue  # identity-svc restarted and forgot the SMS it sent: start again
        path = f"/v1/enrolments/{started.json()['id']}/verification"
        verified = await citizen.public("POST", path, expect=(200, 201, 404, 409, 410, 422), json={"code": code})
        if verified.status_code == 409:  # the code was used by an earlier try, its answer lost
            assert verified.json()["code"] in ("already_enrolled", "otp_already_used"), verified.text
            await citizen.sign_in()
            return citizen
        if verified.status_code in (200, 201):
            citizen.token = verified.json()["tokens"]["access_token"]
            return citizen
    raise FlowFailed("could not enrol")


async def _code(citizen: Citizen, before: int) -> str | None:
    for _ in range(10):
        code = await citizen.sms_code(after=before)
        if code is not None:
            return code
        await asyncio.sleep(POLL)
    return None


async def pay(flow: Flow, payment: dict[str, Any], requote: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    """Pay by wallet until payment-svc has captured the fee: then the flow is accepted."""
    citizen = flow.citizen
    assert citizen is not None
    deadline = time.monotonic() + 3 * PATIENCE
    while time.monotonic() < deadline:
        created = await citizen.send("POST", "/v1/payments", expect=(200, 201), json=payment)
        intent = created.json()
        path = f"/v1/payments/{intent['id']}"
        confirmed = await citizen.send("POST", f"{path}/confirm", expect=(200,), json={"wallet_mobile": citizen.mobile})
        reference = confirmed.json()["provider_reference"]
        sandbox = f"/v1/payment-sandbox/wallet/{reference}"
        try:  # the citizen approves on the phone once: never retried blindly (a second capture)
            await citizen.client.post(f"{sandbox}/approve")
        except httpx.TransportError:
            pass
        outcome = await _captured(citizen, path, sandbox)
        if outcome == "succeeded":
            flow.accepted_at = time.monotonic()
            flow.fee = intent["amount_piastres"]
            flow.service_code = intent["service_code"]
            return
        payment = await requote()  # the provider lost it, or it failed: pay again
    raise FlowFailed("payment never captured")


async def _captured(citizen: Citizen, path: str, sandbox: str) -> str:
    """`succeeded`, or `again` once the intent failed or the provider forgot the payment (then
    the open intent is cancelled first)."""
    for attempt in range(40):
        status = (await citizen.send("GET", path, expect=(200,))).json()["status"]
        if status == "succeeded":
            return status
        if status in ("failed", "cancelled", "expired", "refunded"):
            return "again"
        if attempt % 5 == 4:  # no news: ask the provider to notify again (it retries as real ones do)
            resent = await citizen.public("POST", f"{sandbox}/duplicate", expect=(200, 404))
            if resent.status_code == 404 or not resent.json()["deliveries"]:
                cancelled = await citizen.send("POST", f"{path}/cancel", expect=(200, 409))
                if cancelled.status_code == 409 and (
                    (await citizen.send("GET", path, expect=(200,))).json()["status"] == "succeeded"
                ):
                    return "succeeded"
                return "again"
        await asyncio.sleep(POLL)
    return "again"


async def until(citizen: Citizen, path: str, done: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = (await citizen.send("GET", path, expect=(200,))).json()
        if done(found):
            return found
        if time.monotonic() > deadline:
            raise FlowFailed(f"{path} still {found.get('status')!r} after {timeout:.0f}s")
        await asyncio.sleep(POLL)


# -- the three flows -----------------------------------------------------------------------------


async def power_of_attorney(world: World, flow: Flow, timeout: float) -> None:
    citizen = await enrol(world, flow)
    agent = next(a for a in world.agents if a["national_id"] != flow.person["national_id"])
    poa_id, payment = await citizen.draft_and_quote(agent)
    flow.order = f"notary:{poa_id}"
    path = f"/v1/powers-of-attorney/{poa_id}"

    async def requote() -> dict[str, Any]:
        wallet = {"method": "wallet", "channel": "web"}
        found: dict[str, Any] = (await citizen.send("POST", f"{path}/quote", expect=(200, 201), json=wallet)).json()
        return found["payment"]  # type: ignore[no-any-return]

    await pay(flow, payment, requote)
    poa = await until(citizen, path, lambda p: p["status"] == "appointment_booked", timeout)
    clerk = await world.clerk(poa["office_id"], flow.person["governorate"])
    appointment = f"/v1/appointments/{poa['appointment_id']}"
    await _desk(citizen, clerk, f"{appointment}/check-in", appointment, None, ("checked_in", "verified"))
    card = {"national_id": flow.person["national_id"]}
    await _desk(citizen, clerk, f"{appointment}/verify", appointment, card, ("verified",))
    issued = await until(citizen, path, lambda p: p["status"] == "issued", timeout)
    flow.extra["document_number"] = issued["document_number"]
    flow.completed_at = time.monotonic()


async def _desk(
    citizen: Citizen, clerk: dict[str, str], action: str, appointment: str, body: Any, after: tuple[str, ...]
) -> None:
    """A clerk's step; a 409 after a lost answer is fine once the appointment shows it done."""
    done = await send(citizen.client, "POST", action, expect=(200, 409), patience=PATIENCE, headers=clerk, json=body)
    if done.status_code == 409:
        status = (await citizen.send("GET", appointment, expect=(200,))).json()["status"]
        if status not in after:
            raise FlowFailed(f"{action}: 409 while the appointment is {status}: {done.text[:300]}")


async def certificate(world: World, flow: Flow, timeout: float) -> None:
    citizen = await enrol(world, flow)
    created = await citizen.send("POST", "/v1/certificates", expect=(201,), json={"kind": "birth", "method": "wallet"})
    cert = created.json()
    flow.order = cert["order_ref"]
    path = f"/v1/certificates/{cert['id']}"

    async def requote() -> dict[str, Any]:
        found = await citizen.send("POST", f"{path}/quote", expect=(200, 201), json={"method": "wallet"})
        return found.json()["payment"]  # type: ignore[no-any-return]

    await pay(flow, cert["payment"], requote)
    issued = await until(citizen, path, lambda c: c["status"] == "issued", timeout)
    flow.extra["document_number"] = issued["document_number"]
    flow.completed_at = time.monotonic()


async def ration_replacement(world: World, flow: Flow, timeout: float) -> None:
    citizen = await enrol(world, flow)
    card = (await citizen.send("GET", "/v1/ration-card", expect=(200,))).json()
    flow.extra["card_id"], flow.extra["old_number"] = card["id"], card["card_number"]
    orders = f"/v1/ration-card/{card['id']}/replacements"
    asked = await citizen.send("POST", orders, expect=(201, 409), json={"reason": "damaged", "method": "wallet"})
    if asked.status_code == 409:  # an earlier try opened it, its answer lost
        order_id = asked.json()["order_id"]
        order = (await citizen.send("GET", f"{orders}/{order_id}", expect=(200,))).json()
    else:
        order = asked.json()
    flow.order = order["order_ref"]
    path = f"{orders}/{order['id']}"

    async def requote() -> dict[str, Any]:
        found = await citizen.send("POST", f"{path}/quote", expect=(200,), json={"method": "wallet"})
        return found.json()["payment"]  # type: ignore[no-any-return]

    await pay(flow, order["payment"], requote)
    issued = await until(citizen, path, lambda o: o["status"] == "issued", timeout)
    flow.extra["new_number"] = issued["new_card_number"]
    flow.completed_at = time.monotonic()


KINDS = {"poa": power_of_attorney, "certificate": certificate, "ration": ration_replacement}


async def run(world: World, flow: Flow, *, delay: float, timeout: float) -> None:
    """One flow to its end (or its failure, recorded on the flow: never raised)."""
    await asyncio.sleep(delay)
    try:
        await KINDS[flow.kind](world, flow, timeout)
    except (AssertionError, Unanswered, httpx.HTTPError, KeyError) as exc:
        flow.error = f"{type(exc).__name__}: {str(exc)[:400]}"


# -- what each flow left behind --------------------------------------------------------------------


async def audit(world: World, flow: Flow) -> None:
    """Count the flow's effects as its citizen sees them: exactly one of each is right."""
    citizen = flow.citizen
    if citizen is None or not citizen.token:
        return
    payments = (await citizen.send("GET", "/v1/payments", expect=(200,), params={"limit": 100})).json()["items"]
    paid = [p for p in payments if p["paid_at"] is not None]
    flow.captured = sum(p["amount_piastres"] for p in paid)
    flow.refunded = sum(p["refunded_piastres"] for p in paid)
    kept = [p for p in paid if p["refunded_piastres"] < p["amount_piastres"]]
    if len(kept) > 1:
        flow.duplicates.append(f"{len(kept)} captures kept")
    documents = (await citizen.send("GET", "/v1/documents", expect=(200,), params={"limit": 100})).json()["items"]
    appointments = (await citizen.send("GET", "/v1/appointments", expect=(200,), params={"limit": 100})).json()["items"]
    expected_documents = 1 if flow.kind in ("poa", "certificate") else 0
    expected_appointments = 1 if flow.kind == "poa" else 0
    if len(documents) > expected_documents:
        flow.duplicates.append(f"{len(documents)} documents")
    if len([a for a in appointments if a["status"] not in ("cancelled", "rescheduled")]) > expected_appointments:
        flow.duplicates.append(f"{len(appointments)} appointments")
    if flow.kind == "ration" and "card_id" in flow.extra:
        orders = f"/v1/ration-card/{flow.extra['card_id']}/replacements"
        issued = [
            o for o in (await citizen.send("GET", orders, expect=(200,))).json()["items"] if o["status"] == "issued"
        ]
        if len(issued) > 1:
            flow.duplicates.append(f"{len(issued)} replacement cards")
    if flow.completed and len(documents) < expected_documents:
        flow.error = "completed without its document"
        flow.completed_at = None
