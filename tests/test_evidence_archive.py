"""Events published by real producers land in the evidence archive: a ministry (the traffic
department, an integrator) posts a car to the gateway, ration-svc excludes the household on it
and publishes its decision; an auditor then exports the person's bundle through the gateway, and
it verifies offline, with `python -m contracts verify` too. A call-centre agent is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
from paperless_support import staff_token
from test_card_services import demo_registry
from test_flow_paperless import eventually
from test_integrators import create_integrator, signing_key, token
from test_ministry_events import BATCH, REGISTERED, an_eligible_holder, car_of

from contracts.evidence import verify_bundle


async def test_a_ministrys_fact_and_the_decision_on_it_are_archived_and_export_as_evidence(
    platform: Any, tmp_path: Path
) -> None:
    people, _ = demo_registry()
    traffic = await create_integrator(platform, f"Traffic {uuid.uuid4().hex[:4]}", f"publish:{REGISTERED}")
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        citizen, _ = await an_eligible_holder(client, people)
        holder = citizen.person["national_id"]
        car = (await signing_key(client, traffic)).sign(car_of(holder, traffic["source"]))
        posted = await client.post(
            "/v1/events", content=json.dumps([car]), headers={**await token(client, traffic), **BATCH}
        )
        assert posted.status_code == 200, posted.text
        auditor = await staff_token(client, platform, "auditor")

        async def both_archived() -> bytes | None:
            answer = await client.get("/v1/evidence/bundles", params={"national_id": holder}, headers=auditor)
            assert answer.status_code == 200, answer.text
            types = {entry["event"]["type"] for entry in json.loads(answer.content)["events"]}
            return answer.content if {REGISTERED, "ration.eligibility.changed.v1"} <= types else None

        raw = await eventually(both_archived, "the car and ration's decision on it in the archive")
        agent = await staff_token(client, platform, "call_centre_agent")
        refused = await client.get("/v1/evidence/bundles", params={"national_id": holder}, headers=agent)
        assert refused.status_code == 403
        assert (await client.get("/v1/evidence/chain", headers=auditor)).json()["valid"] is True

    bundle = json.loads(raw)
    kept = next(entry["event"] for entry in bundle["events"] if entry["event"]["id"] == car["id"])
    assert kept["data"] == car["data"]
    assert kept["source"] == car["source"]
    assert kept["signature"] == car["signature"]
    report = verify_bundle(raw)
    assert report.failures == []
    assert {traffic["source"], "ration-svc"} <= report.producers
    path = tmp_path / "bundle.json"
    path.write_bytes(raw)
    verified = verify_offline(path)
    assert verified.returncode == 0, verified.stdout
    path.write_bytes(raw.replace(b"Tucson", b"Tucsom", 1))
    tampered = verify_offline(path)
    assert tampered.returncode == 1
    assert f"FAILED event {car['id']}" in tampered.stdout


def verify_offline(path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m contracts verify BUNDLE`, as an auditor runs it on their own machine."""
    return subprocess.run([sys.executable, "-m", "contracts", "verify", str(path)], capture_output=True, text=True)
