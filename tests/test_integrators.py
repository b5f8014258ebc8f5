"""A ministry as an integrator, end to end: ops create its account with the gateway's command,
it takes an OAuth2 client-credentials token from the gateway, and the owning service (not only
the gateway) accepts that token for exactly the scopes it carries."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from asyncio.subprocess import PIPE

import httpx

from contracts.signing import SigningKey


async def create_integrator(platform, name: str, *scopes: str, source: str | None = None) -> dict[str, str]:
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    env = {**os.environ, "GATEWAY_DATABASE_URL": f"{server}/gateway"}
    command = [sys.executable, "-m", "gateway.integrators", "create", "--name", name]
    for scope in scopes:
        command += ["--scope", scope]
    if source is not None:
        command += ["--source", source]
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=PIPE, stderr=PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out)


async def token(client: httpx.AsyncClient, integrator: dict[str, str], scope: str | None = None) -> dict[str, str]:
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    response = await client.post(
        "/v1/oauth/token", data=form, auth=(integrator["client_id"], integrator["client_secret"])
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", "Accept-Language": "en"}


async def signing_key(client: httpx.AsyncClient, integrator: dict[str, str]) -> SigningKey:
    """A key pair of the integrator's own; its public half registered with the gateway."""
    key = SigningKey.generate(f"{integrator['source']}-{uuid.uuid4().hex[:8]}", integrator["source"])
    jwk = {name: value for name, value in key.public().jwk().items() if name not in ("producer", "types", "revoked")}
    response = await client.post("/v1/event-keys", json={"jwk": jwk}, headers=await token(client, integrator))
    assert response.status_code == 201, response.text
    return key


def vehicles_file() -> bytes:
    owner = "2900101030" + f"{uuid.uuid4().int % 10_000:04d}"
    header = "vehicle_id,plate_number,owner_national_id,vehicle_type,make,model,model_year,engine_cc,registered_on"
    good = f"{uuid.uuid4()},ق ط ع 123,{owner},private_car,Hyundai,Elantra,2021,1600,2024-03-02"
    bad = f"{uuid.uuid4()},ق ط ع 124,{owner},spaceship,Hyundai,Elantra,2021,1600,2024-03-02"
    return f"{header}\n{good}\n{bad}\n".encode()


async def test_a_ministry_imports_a_governorate_file_with_a_gateway_token(platform):
    traffic = await create_integrator(platform, f"Traffic {uuid.uuid4().hex[:4]}", "ration.import")
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        headers = await token(client, traffic)
        response = await client.post(
            "/v1/ration-imports/vehicles",
            params={"governorate": "03", "filename": "vehicles-03.csv"},
            content=vehicles_file(),
            headers={**headers, "Content-Type": "text/csv"},
        )
        assert response.status_code == 201, response.text  # verified by ration-svc against the gateway's keys
        assert (response.json()["rows_accepted"], response.json()["rows_rejected"]) == (1, 1)
        status = (await client.get(f"/v1/ration-imports/{response.json()['id']}", headers=headers)).status_code
        assert status == 200


async def test_a_token_without_the_scope_is_refused_by_the_service(platform):
    bank = await create_integrator(platform, f"Bank {uuid.uuid4().hex[:4]}", "events:notary.poa.revoked.v1")
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        headers = await token(client, bank)
        response = await client.post(
            "/v1/ration-imports/vehicles",
            params={"governorate": "03"},
            content=vehicles_file(),
            headers={**headers, "Content-Type": "text/csv"},
        )
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (await client.get("/v1/ration-card", headers=headers)).status_code == 403  # not a citizen


async def test_a_forged_integrator_token_is_refused(platform):
    forged = "eyJhbGciOiJFZERTQSIsImtpZCI6ImciLCJ0eXAiOiJKV1QifQ.e30.c2lnbmF0dXJl"
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        response = await client.post(
            "/v1/ration-imports/vehicles",
            params={"governorate": "03"},
            content=vehicles_file(),
            headers={"Authorization": f"Bearer {forged}", "Content-Type": "text/csv"},
        )
        assert response.status_code == 401
