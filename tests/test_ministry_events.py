"""A ministry publishes over HTTP and the consuming service acts once: the traffic department
(an integrator with `publish:traffic.vehicle.registered.v1`) posts a batch of CloudEvents to the
gateway — a recent car registered to the holder of an eligible ration card, the same event twice
in the batch, then the whole batch again — and ration-svc, which consumes vehicle facts from
NATS, excludes the household once: one decision, one car among its reasons."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from test_card_services import demo_registry
from test_flow_paperless import Citizen, eventually
from test_integrators import create_integrator, token

from contracts import Envelope
from contracts.events.traffic import VehicleRegistered

REGISTERED = "traffic.vehicle.registered.v1"
BATCH = {"Content-Type": "application/cloudevents-batch+json"}


async def an_eligible_holder(client: httpx.AsyncClient, people: list[dict[str, str]]) -> tuple[Citizen, dict[str, Any]]:
    """A married man outside Port Said whose household's card is eligible (from the end of the
    registry: the other flows enrol from its start)."""
    for person in reversed(people):
        if person["sex"] != "male" or person["marital_status"] != "married" or person["alive"] != "true":
            continue
        if person["governorate"] == "03":
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


def car_of(owner: str) -> dict[str, Any]:
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
    found: dict[str, Any] = json.loads(Envelope.wrap(event, source="traffic-department").to_bytes())
    return found


async def test_a_ministry_publishes_a_batch_over_http_and_ration_acts_once(platform) -> None:
    people, _ = demo_registry()
    traffic = await create_integrator(platform, f"Traffic {uuid.uuid4().hex[:4]}", f"publish:{REGISTERED}")
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        citizen, card = await an_eligible_holder(client, people)
        auth = await token(client, traffic)
        car = car_of(citizen.person["national_id"])
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
