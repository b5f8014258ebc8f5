"""A ministry publishes over HTTP and the consuming service acts once: the traffic department
(an integrator with `publish:traffic.vehicle.registered.v1`, signing with a key it registered)
posts a batch of signed CloudEvents to the gateway — a recent car registered to the holder of an
eligible ration card, the same event twice in the batch, then the whole batch again — and
ration-svc, which consumes vehicle facts from NATS, excludes the household once: one decision, one
car among its reasons. And `make run`'s demo integrator publishes a signed fact as its banner says."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from asyncio.subprocess import PIPE
from datetime import UTC, datetime
from typing import Any

import httpx
import nats
from test_card_services import demo_registry
from test_flow_paperless import Citizen, eventually
from test_integrators import create_integrator, signing_key, token

from contracts import Envelope
from contracts.events.traffic import VehicleRegistered
from contracts.signing import KeyRing
from kit.testing import stream_messages

REGISTERED = "traffic.vehicle.registered.v1"
BATCH = {"Content-Type": "application/cloudevents-batch+json"}


RESERVED = ("03", "21", "22", "23", "24", "28", "12")
"""Governorates whose people other tests draw (Port Said's flows, the abuse suite's, the services
defined as data): a holder found here must not be one of theirs."""


async def an_eligible_holder(client: httpx.AsyncClient, people: list[dict[str, str]]) -> tuple[Citizen, dict[str, Any]]:
    """A married man outside the RESERVED governorates whose household's card is eligible (from the end of the
    registry: the other flows enrol from its start)."""
    for person in reversed(people):
        if person["sex"] != "male" or person["marital_status"] != "married" or person["alive"] != "true":
            continue
        if person["governorate"] in RESERVED:
            continue
        citizen = Citizen(client, person)
        try:
            await citizen.enrol()
        except AssertionError:  # enrolled already (by another test of this session): the next one
            continue
        card = await client.get("/v1/ration-card", headers=citizen.auth)
        if (
            card.status_code == 200
            and card.json()["decision"]["eligible"]
            and card.json()["holder_national_id"] == person["national_id"]
        ):
            return citizen, card.json()
    raise AssertionError("no eligible holder in the demo registry")


def car_of(owner: str, source: str) -> dict[str, Any]:
    event = VehicleRegistered(
        vehicle_id=uuid.uuid4(),
        plate_number="ق ط ع 777",
        owner_national_id=owner,
        vehicle_type="private_car",
        make="Hyundai",
        model="Tucson",
        model_year=2024,
        engine_cc=2000,
        governorate="01",
        registered_at=datetime.now(UTC),
    )
    found: dict[str, Any] = json.loads(Envelope.wrap(event, source=source).to_bytes())
    return found


async def test_a_ministry_publishes_a_batch_over_http_and_ration_acts_once(platform) -> None:
    people, _ = demo_registry()
    source = f"traffic-{uuid.uuid4().hex[:6]}"
    traffic = await create_integrator(platform, f"Traffic {source}", f"publish:{REGISTERED}", source=source)
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        citizen, card = await an_eligible_holder(client, people)
        auth = await token(client, traffic)
        key = await signing_key(client, traffic)  # the ministry's own key pair; the platform gets its public half
        car = key.sign(car_of(citizen.person["national_id"], source))
        batch = json.dumps([car, car])
        first = await client.post("/v1/events", content=batch, headers={**auth, **BATCH})
        assert first.status_code == 200, first.text
        assert [r["status"] for r in first.json()["results"]] == ["accepted", "duplicate"]
        again = await client.post("/v1/events", content=batch, headers={**auth, **BATCH})
        assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]

        async def excluded() -> dict[str, Any] | None:
            found = (await client.get("/v1/ration-card", headers=citizen.auth)).json()
            return found if not found["decision"]["eligible"] else None

        now = await eventually(excluded, "ration to exclude the household for the car")
        assert [r["code"] for r in now["decision"]["reasons"]] == ["car_model_year"]
        assert now["decision"]["trigger"].startswith("event"), now["decision"]  # decided on an event
        history = (await client.get(f"/v1/ration-card/{card['id']}/decisions", headers=citizen.auth)).json()["items"]
        after = [d for d in history if d["decided_at"] > card["decision"]["decided_at"]]
        assert len(after) == 1, after  # acted on once: the repeats changed nothing


async def test_the_demo_integrator_publishes_a_signed_fact_as_make_run_prints(platform) -> None:
    """`make run`'s traffic authority: created at start, its key kept under the platform's data
    folder, and the command the banner prints publishes a signed event that reaches NATS as signed."""
    assert "python -m devstack.integrator publish traffic.vehicle.registered.v1" in platform.output
    data = platform.folder / "data"
    command = [sys.executable, "-m", "devstack.integrator", "--data", str(data), "publish", REGISTERED]
    command += ["--set", "owner_national_id=29001010300017", "--set", "model_year=2025"]
    process = await asyncio.create_subprocess_exec(*command, stdout=PIPE, stderr=PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode() + out.decode()
    published = json.loads(out)
    assert (published["status"], published["answer"]["status"]) == (202, "accepted")
    event = published["event"]
    assert event["source"].startswith("traffic-authority")
    nc = await nats.connect(platform.nats)
    try:

        async def on_nats() -> list[Any] | None:
            found = await stream_messages(nc.jetstream(), "TRAFFIC", REGISTERED)
            mine = [m for m in found if m.headers and m.headers.get("Nats-Msg-Id") == event["id"]]
            return mine or None

        (message,) = await eventually(on_nats, "the demo integrator's event on NATS")
    finally:
        await nc.close()
    assert json.loads(message.data) == event
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        keys = (await client.get("/.well-known/integrator-event-keys.json")).json()
    assert KeyRing.from_jwks(keys).verify(json.loads(message.data)).producer == event["source"]
