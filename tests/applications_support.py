"""What the cross-service tests of services defined as data do through the gateway: an
administrator publishes definitions (applications-svc/definitions/*.json, or one written in the
test), citizens apply, pay and follow, authorities publish their facts as CloudEvents."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from paperless_support import Citizen, registry_people, send, staff_token
from test_integrators import create_integrator, signing_key, token

from contracts import Envelope, Event
from contracts.signing import SigningKey
from kit.testing import eventually

DEFINITIONS = Path(__file__).parents[1] / "applications-svc" / "definitions"


def definition(code: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DEFINITIONS / f"{code}.json").read_text(encoding="utf-8"))
    return loaded


async def publish(client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    drafted = await send(client, "POST", "/v1/application-definitions", expect=(201,), json=body, headers=admin)
    path = f"/v1/application-definitions/{drafted.json()['id']}/publication"
    done = await send(client, "POST", path, expect=(200,), json={"reason": "goes online"}, headers=admin)
    published: dict[str, Any] = done.json()
    return published


GOVERNORATE = "12"


async def citizens(client: httpx.AsyncClient, count: int, *, skip: int = 0) -> list[Citizen]:
    """Enrolled citizens of Bani Suef (GOVERNORATE: the services are live there since phase 1, and
    no other test draws its people there), strangers to one another."""
    out: list[Citizen] = []
    for person in registry_people((GOVERNORATE,))[skip:]:
        citizen = Citizen(client, person)
        try:
            await citizen.enrol()
        except AssertionError:  # enrolled already by another test of this session
            continue
        out.append(citizen)
        if len(out) == count:
            return out
    raise AssertionError("not enough citizens in the demo registry")


@dataclass
class Authority:
    """An integrator (a ministry, the commercial registry): its token and its own signing key."""

    headers: dict[str, str]
    key: SigningKey


async def authority(client: httpx.AsyncClient, platform: Any, *types: str) -> Authority:
    """An integrator that publishes these event types, its key registered with the gateway."""
    made = await create_integrator(platform, f"Authority {uuid.uuid4().hex[:4]}", *(f"publish:{t}" for t in types))
    return Authority(await token(client, made), await signing_key(client, made))


async def publish_fact(client: httpx.AsyncClient, by: Authority, event: Event) -> None:
    """The fact as the authority sends it: signed with its own key, for its own source."""
    unsigned = json.loads(Envelope.wrap(event, source=by.key.producer).to_bytes())
    body = json.dumps(by.key.sign(unsigned), ensure_ascii=False).encode()
    answer = await client.post(
        "/v1/events", content=body, headers={**by.headers, "Content-Type": "application/cloudevents+json"}
    )
    assert answer.status_code in (200, 202), answer.text


async def apply(citizen: Citizen, code: str, answers: dict[str, Any]) -> dict[str, Any]:
    started = await citizen.send("POST", "/v1/applications", expect=(201,), json={"service_code": code})
    app: dict[str, Any] = started.json()
    await citizen.send("PUT", f"/v1/applications/{app['id']}/answers", expect=(200,), json={"answers": answers})
    check = (await citizen.send("GET", f"/v1/applications/{app['id']}/check", expect=(200,))).json()
    assert check["ready"], check
    submitted = await citizen.send(
        "POST", f"/v1/applications/{app['id']}/submission", expect=(200,), json={"channel": "web", "method": "wallet"}
    )
    result: dict[str, Any] = submitted.json()
    return result


async def pay_and_wait(citizen: Citizen, app: dict[str, Any], until: str) -> dict[str, Any]:
    """Pay the quoted fee through payment-svc (the sandbox wallet) and wait for the status."""
    assert app["status"] == "awaiting_payment", app
    await citizen.pay(app["payment"], key=str(uuid.uuid4()))
    return await reaches(citizen, app["id"], until)


async def reaches(citizen: Citizen, app_id: str, status: str) -> dict[str, Any]:
    async def there() -> dict[str, Any] | None:
        found: dict[str, Any] = (await citizen.send("GET", f"/v1/applications/{app_id}", expect=(200,))).json()
        return found if found["status"] == status else None

    found: dict[str, Any] = await eventually(there, f"the application {status}")
    return found


async def verified(client: httpx.AsyncClient, citizen: Citizen, app_id: str) -> dict[str, Any]:
    """The application's signed document, as anyone checks it through the gateway."""
    own = (await citizen.send("GET", f"/v1/applications/{app_id}/document", expect=(200,))).json()
    answer = await client.get(
        f"/v1/application-documents/{own['number']}/verification", params={"code": own["verification_code"]}
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


__all__ = ["Citizen", "staff_token"]
