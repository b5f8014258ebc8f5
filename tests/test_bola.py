"""A BOLA sweep through the gateway of the running platform: every id-bearing route a citizen
may call (GET and POST, from the merged OpenAPI document) answers citizen B exactly as it
answers an id that does not exist — 404 where the route serves citizens — when given citizen
A's ids. And the merged OpenAPI document validates."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from openapi_spec_validator import validate
from paperless_support import Citizen, registry_people

from gateway.policy import BUILT_IN, PolicyTable
from kit.testing import eventually

PARAM = re.compile(r"\{([^}]+)\}")
POLICIES = PolicyTable(BUILT_IN)


def citizen_routes(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, path template) of id-bearing GET/POST operations the edge admits citizens to."""
    found = []
    for template, item in document["paths"].items():
        if "{" not in template:
            continue
        rule = POLICIES.match(PARAM.sub("x", template))
        for method in ("get", "post"):
            if method in item and rule is not None and rule.access(method.upper()).citizen:
                found.append((method.upper(), template))
    return found


async def resources_of(citizen: Citizen, agent: dict[str, str]) -> dict[str, str]:
    """Citizen A's resources, by the path parameter that names them."""
    client, auth = citizen.client, citizen.auth
    poa_id, payment = await citizen.draft_and_quote(agent)
    intent = await citizen.pay(payment, str(uuid.uuid4()))

    async def booked() -> dict[str, Any] | None:
        items = (await client.get("/v1/appointments", headers=auth)).json()["items"]
        return next((a for a in items if a["order_ref"] == f"notary:{poa_id}"), None)

    appointment = await eventually(booked, "A's appointment")

    async def receipt() -> str | None:
        return (await client.get(f"/v1/payments/{intent['id']}", headers=auth)).json().get("receipt_number")

    ids = {
        "poa_id": poa_id,
        "payment_id": intent["id"],
        "appointment_id": appointment["id"],
        "receipt_number": await eventually(receipt, "A's receipt"),
    }
    certificate = await client.post("/v1/certificates", json={"kind": "birth", "method": "wallet"}, headers=auth)
    assert certificate.status_code == 201, certificate.text
    ids["request_id"] = certificate.json()["id"]
    card = await client.get("/v1/ration-card", headers=auth)
    if card.status_code == 200 and card.json().get("id"):
        ids["card_id"] = card.json()["id"]
    return ids


def fill(template: str, values: dict[str, str]) -> str | None:
    names = PARAM.findall(template)
    if any(name not in values for name in names):
        return None
    return PARAM.sub(lambda m: values[m.group(1)], template)


def unknown(values: dict[str, str]) -> dict[str, str]:
    """Ids of the same shape that name nothing."""
    return {name: str(uuid.uuid4()) if _is_uuid(value) else value[:-4] + "0000" for name, value in values.items()}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def test_another_citizens_ids_answer_as_if_they_did_not_exist(platform) -> None:
    people = registry_people()
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        document = (await client.get("/openapi.json")).json()
        validate(document)  # the contract frontends generate clients from
        assert document["x-unavailable-services"] == []
        a, b = Citizen(client, people[3]), Citizen(client, people[4])
        await a.enrol()
        await b.enrol()
        mine = await resources_of(a, people[5])
        nothing = unknown(mine)
        routes = citizen_routes(document)
        swept: dict[str, list[str]] = {"404": [], "refused alike": []}
        owner_reads = 0
        for method, template in routes:
            path, missing = fill(template, mine), fill(template, nothing)
            if path is None or missing is None:
                continue
            body = {} if method == "POST" else None
            if method == "GET" and (await client.get(path, headers=a.auth)).status_code == 200:
                owner_reads += 1  # the id is real: A reads it
            as_b = await client.request(method, path, json=body, headers=b.auth)
            baseline = await client.request(method, missing, json=body, headers=b.auth)
            where = f"{method} {template}"
            assert as_b.status_code < 500, f"{where}: {as_b.text}"
            assert not 200 <= as_b.status_code < 300, f"{where} served B: {as_b.text}"
            assert as_b.headers["content-type"].startswith("application/problem+json"), where
            assert (as_b.status_code, as_b.json()["code"]) == (baseline.status_code, baseline.json()["code"]), (
                f"{where}: B can tell A's id from none ({as_b.status_code} vs {baseline.status_code})"
            )
            if method == "GET" and as_b.status_code != 403:  # 403: the route is not for citizens at all
                assert as_b.status_code == 404, f"{where}: {as_b.text}"
            swept["404" if as_b.status_code == 404 else "refused alike"].append(where)
        covered = {template for where in swept["404"] for template in [where.split(" ", 1)[1]]}
        for prefix in ("/v1/powers-of-attorney/", "/v1/payments/", "/v1/appointments/", "/v1/certificates/"):
            assert any(t.startswith(prefix) for t in covered), f"no {prefix} route was swept"
        assert "/v1/receipts/{receipt_number}" in covered
        assert owner_reads >= 8, owner_reads
