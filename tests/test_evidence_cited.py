"""Issue 16 end to end: a decision cites the ministry's signed fact, and its evidence verifies
offline. The traffic authority (an integrator) registers its public key with the gateway, signs
a car registration with its private key (which the platform never holds) and publishes it over
`POST /v1/events`; ration-svc, whose consumer verifies the signature before any handler runs,
excludes the household; the citizen's explanation names the traffic authority and the date of
the registration; the decision's evidence, a bundle from evidence-svc's archive, passes
`python -m contracts verify` (signatures, hash chain, timestamp seals), and fails once a byte of
it is changed.

Rests on the other branches of issue 16: ev-sign (services sign, consumers verify), ev-gw
(integrators' keys at `/v1/event-keys`), ev-archive (evidence-svc, its internal export, the
verifier)."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from test_card_services import demo_registry
from test_integrators import create_integrator, signing_key, token
from test_ministry_events import an_eligible_holder

from contracts import Envelope
from contracts.events.traffic import VehicleRegistered
from contracts.evidence import verify_bundle
from contracts.signing import SigningKey
from kit.testing import eventually

REGISTERED = "traffic.vehicle.registered.v1"
CLOUDEVENT = {"Content-Type": "application/cloudevents+json"}


def car(owner: str, *, source: str, key: SigningKey, registered_at: datetime) -> dict[str, Any]:
    event = VehicleRegistered(
        vehicle_id=uuid.uuid4(),
        plate_number="م ر و 2025",
        owner_national_id=owner,
        vehicle_type="private_car",
        make="Toyota",
        model="Corolla",
        model_year=2025,
        engine_cc=1600,
        governorate="01",
        registered_at=registered_at,
    )
    unsigned: dict[str, Any] = json.loads(Envelope.wrap(event, source=source, time=registered_at).to_bytes())
    return key.sign(unsigned)


async def verify_offline(bundle: bytes, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / f"bundle-{uuid.uuid4().hex[:6]}.json"
    path.write_bytes(bundle)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "contracts", "verify", str(path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_an_integrators_signed_fact_excludes_is_named_and_its_bundle_verifies(platform, tmp_path) -> None:
    people, _ = demo_registry()
    traffic = await create_integrator(platform, f"Traffic {uuid.uuid4().hex[:4]}", f"publish:{REGISTERED}")
    source = traffic["source"]
    registered_at = datetime(2026, 10, 2, 9, 30, tzinfo=UTC)
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        citizen, card = await an_eligible_holder(client, people)
        auth = await token(client, traffic)
        key = await signing_key(client, traffic)
        toyota = car(citizen.person["national_id"], source=source, key=key, registered_at=registered_at)
        published = await client.post("/v1/events", content=json.dumps(toyota), headers={**auth, **CLOUDEVENT})
        assert published.status_code in (200, 201, 202), published.text

        async def excluded() -> dict[str, Any] | None:
            found = (await client.get("/v1/ration-card", headers=citizen.auth)).json()
            return found["decision"] if not found["decision"]["eligible"] else None

        decision = await eventually(excluded, "ration to exclude the household for the signed car")
        [reason] = decision["reasons"]
        assert reason["explanation"].endswith(
            "The traffic authority registered a 2025 Toyota Corolla to this household on 2 October 2026."
        )
        [fact] = reason["evidence"]
        assert (fact["event_id"], fact["source"], fact["verification"]) == (toyota["id"], source, "verified")

        path = f"/v1/ration-card/{card['id']}/decisions/{decision['id']}/evidence"

        async def sealed() -> bytes | None:  # the archive seals its batches on a timer
            response = await client.get(path, headers=citizen.auth)
            return response.content if response.status_code == 200 else None

        bundle = await eventually(sealed, "the archive to export the decision's evidence")
    assert [e["event"]["id"] for e in json.loads(bundle)["events"]] == [toyota["id"]]
    report = verify_bundle(bundle)
    assert report.failures == [], report.failures
    assert source in report.producers
    code, out = await verify_offline(bundle, tmp_path)
    assert code == 0, out
    code, out = await verify_offline(bundle.replace(b"Corolla", b"Corollb", 1), tmp_path)
    assert code == 1
    assert f"FAILED event {toyota['id']}" in out
