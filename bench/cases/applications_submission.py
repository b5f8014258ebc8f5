"""Applications to a service defined as data, submitted through the gateway (issue 17).

The whole platform as `make run` starts it (one fresh platform per trial, as `paperless_flow`).
Setup (not timed): an administrator publishes the commercial-registry extract's definition
(applications-svc/definitions/), citizens of Port Said, Cairo and Alexandria enrol, the commercial
registry (an integrator with a key of its own registered at the gateway) publishes a company for
each as one batch of signed CloudEvents (every one accepted, or the trial says why), and the last
company is waited for in applications-svc's read model.

One submission (timed): start the application (the registry and read-model facts filled in) →
answer → submit (the CEL rules decided, the catalogue's quote bound to the application) →
create the payment intent at payment-svc with the quote (Idempotency-Key). CONCURRENCY at a time.
Measured: submissions per second through the gateway.

Baseline, same platform, same concurrency, alternating halves: the power of attorney's draft
the same way (draft naming an agent from the registry → quote → payment intent), poas/s.
Info: median and p99 latency of both (ms).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx

from bench.cases.paperless_flow import PLATFORM_ENV, Api, Citizen, enrol, registry_people
from bench.harness import Case, Env, Trial
from contracts import Envelope
from contracts.events.registry import CompanyRegistered
from contracts.signing import SigningKey
from devstack.background import BackgroundPlatform, start

ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = 4
CODE = "registry.commercial.extract"
PASSWORD = "a long bench admin password 2026"
SOURCE = "bench-registry"
"""The registry integrator's CloudEvent source (its key signs for it alone)."""


def _size(env: Env) -> int:
    """Submissions per path: 40 by default, 10 with --quick."""
    return max(10, min(env.events // 500, 200))


async def _staff(platform: BackgroundPlatform, api: Api, role: str) -> dict[str, str]:
    username = f"bench-{role}-{uuid.uuid4().hex[:6]}"
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    env = {**os.environ, "IDENTITY_DATABASE_URL": f"{server}/identity", "IDENTITY_STAFF_PASSWORD": PASSWORD}
    command = [
        sys.executable,
        "-m",
        "identity.staff",
        "create",
        "--username",
        username,
        "--name",
        "Bench",
        "--role",
        role,
        "--governorate",
        "03",
    ]
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"identity.staff create failed: {err.decode()[-2000:]}")
    login = await api.call(
        "staff_login", "POST", "/v1/staff/sessions", (201,), json={"username": username, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['access_token']}", "Accept-Language": "en"}


async def _integrator(platform: BackgroundPlatform, api: Api) -> tuple[dict[str, str], SigningKey]:
    """The registry as an integrator: its token, and the key it signs its events with (the public
    half registered with the gateway; the private half never leaves it)."""
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    env = {**os.environ, "GATEWAY_DATABASE_URL": f"{server}/gateway"}
    command = [
        sys.executable,
        "-m",
        "gateway.integrators",
        "create",
        "--name",
        "Bench registry",
        "--source",
        SOURCE,
        "--scope",
        "publish:registry.company.registered.v1",
    ]
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"gateway.integrators create failed: {err.decode()[-2000:]}")
    made = json.loads(out)
    token = await api.call(
        "oauth",
        "POST",
        "/v1/oauth/token",
        (200,),
        data={"grant_type": "client_credentials"},
        auth=(made["client_id"], made["client_secret"]),
    )
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    key = SigningKey.generate(f"{SOURCE}-{uuid.uuid4().hex[:8]}", SOURCE)
    jwk = {name: value for name, value in key.public().jwk().items() if name not in ("producer", "types", "revoked")}
    await api.call("event_key", "POST", "/v1/event-keys", (201,), json={"jwk": jwk}, headers=auth)
    return auth, key


async def submission(api: Api, citizen: Citizen, number: str) -> float:
    auth, began = citizen.auth, time.perf_counter()
    app = (
        await api.call("start", "POST", "/v1/applications", (201,), json={"service_code": CODE}, headers=auth)
    ).json()
    answers = {"answers": {"registry_number": number, "purpose": "bank"}}
    await api.call("answer", "PUT", f"/v1/applications/{app['id']}/answers", (200,), json=answers, headers=auth)
    submitted = await api.call(
        "submit",
        "POST",
        f"/v1/applications/{app['id']}/submission",
        (200,),
        json={"channel": "web", "method": "wallet"},
        headers=auth,
    )
    key = {"Idempotency-Key": str(uuid.uuid4())}
    await api.call("pay", "POST", "/v1/payments", (201,), json=submitted.json()["payment"], headers=auth | key)
    return time.perf_counter() - began


async def poa_draft(api: Api, citizen: Citizen, agent: str) -> float:
    auth, began = citizen.auth, time.perf_counter()
    draft = {
        "kind": "general",
        "scopes": ["general_management"],
        "agents": [agent],
        "special_conditions": [],
        "valid_until": None,
    }
    poa_id = (await api.call("draft", "POST", "/v1/powers-of-attorney", (201,), json=draft, headers=auth)).json()["id"]
    quoted = await api.call(
        "quote",
        "POST",
        f"/v1/powers-of-attorney/{poa_id}/quote",
        (200, 201),
        json={"method": "wallet", "channel": "web"},
        headers=auth,
    )
    key = {"Idempotency-Key": str(uuid.uuid4())}
    await api.call("pay", "POST", "/v1/payments", (201,), json=quoted.json()["payment"], headers=auth | key)
    return time.perf_counter() - began


async def _batch(jobs: list[Callable[[], Awaitable[float]]]) -> tuple[list[float], float]:
    queue = list(reversed(jobs))
    latencies: list[float] = []

    async def worker() -> None:
        while queue:
            latencies.append(await queue.pop()())

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, time.perf_counter() - began


async def run(env: Env) -> Trial:
    per_path = _size(env)
    platform = start(env=PLATFORM_ENV, kind="bench")
    try:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            return await _trial(client, platform, per_path)
    finally:
        platform.stop()


async def _trial(client: httpx.AsyncClient, platform: BackgroundPlatform, per_path: int) -> Trial:
    api = Api(client, platform, direct=False)
    admin = await _staff(platform, api, "admin")
    body = json.loads((ROOT / "applications-svc" / "definitions" / f"{CODE}.json").read_text(encoding="utf-8"))
    drafted = await api.call("define", "POST", "/v1/application-definitions", (201,), json=body, headers=admin)
    await api.call(
        "publish",
        "POST",
        f"/v1/application-definitions/{drafted.json()['id']}/publication",
        (200,),
        json={"reason": "bench"},
        headers=admin,
    )
    people = registry_people(["03", "01", "02"])  # Port Said first; both services are live in all three
    prefix = secrets.randbelow(90) + 10
    citizens = [Citizen(p, f"015{prefix}{i:06d}") for i, p in enumerate(people[: 2 * per_path])]
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def enrolled(c: Citizen) -> None:
        async with semaphore:
            await enrol(Api(client, platform, direct=False), c)

    await asyncio.gather(*(enrolled(c) for c in citizens))
    registry, key = await _integrator(platform, api)
    numbers = {c.person["national_id"]: str(100000 + i) for i, c in enumerate(citizens)}
    events = [
        key.sign(
            json.loads(
                Envelope.wrap(
                    CompanyRegistered(
                        registry_number=number,
                        name_ar="شركة للقياس",
                        legal_form="llc",
                        owner_national_ids=(nid,),
                        capital_piastres=1_000_000,
                        activity_ar="تجارة",
                        governorate="03",
                        status="active",
                        registered_at=datetime.now(UTC),
                    ),
                    source=SOURCE,
                ).to_bytes()
            )
        )
        for nid, number in numbers.items()
    ]
    published = await api.call(
        "facts",
        "POST",
        "/v1/events",
        (200,),
        content=json.dumps(events),
        headers={**registry, "Content-Type": "application/cloudevents-batch+json"},
    )
    refused = [item for item in published.json()["results"] if item["status"] != "accepted"]
    if refused:  # say why at once, not after a minute of waiting for facts that will never come
        raise RuntimeError(f"the gateway refused {len(refused)} of the registry's events: {refused[0]}")
    await _until_companies(api, citizens[-1])

    applicants, principals = citizens[0::2], citizens[1::2]
    agents = [p.person["national_id"] for p in applicants]  # an agent is never the principal
    per_path = min(per_path, len(applicants), len(principals))
    half = per_path // 2
    measured: dict[str, list[float]] = {"apps": [], "poa": []}
    seconds = {"apps": 0.0, "poa": 0.0}
    plan = (("apps", 0, half), ("poa", 0, half), ("poa", half, per_path), ("apps", half, per_path))
    for name, lo, hi in plan:
        jobs: list[Callable[[], Awaitable[float]]]
        if name == "apps":
            jobs = [partial(submission, api, c, numbers[c.person["national_id"]]) for c in applicants[lo:hi]]
        else:
            jobs = [partial(poa_draft, api, c, a) for c, a in zip(principals[lo:hi], agents[lo:hi], strict=True)]
        latencies, took = await _batch(jobs)
        measured[name] += latencies
        seconds[name] += took
    info = {
        f"{name}_{stat}_ms": round(1000 * fn(values), 1)
        for name, values in measured.items()
        for stat, fn in (("p50", statistics.median), ("p99", lambda v: sorted(v)[max(0, int(len(v) * 0.99) - 1)]))
    }
    return Trial(
        measured=len(measured["apps"]) / seconds["apps"], baseline=len(measured["poa"]) / seconds["poa"], info=info
    )


async def _until_companies(api: Api, citizen: Citizen) -> None:
    """The last applicant's company in applications-svc's read model (the batch is in order)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        app = (
            await api.call(
                "probe", "POST", "/v1/applications", (201,), json={"service_code": CODE}, headers=citizen.auth
            )
        ).json()
        await api.call(
            "probe_cancel", "POST", f"/v1/applications/{app['id']}/cancellation", (200,), headers=citizen.auth
        )
        if app["facts"]["companies"]:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the registry's companies never reached applications-svc")


CASES = [
    Case(
        name="applications_submission",
        summary=(
            "applications to a service defined as data (commercial-registry extract: start with facts "
            "prefilled → answer → submit with CEL rules and the catalogue's quote → payment intent) "
            "through the gateway, 4 at a time, vs the power of attorney's draft → quote → payment intent "
            "on the same platform"
        ),
        unit="submissions/s",
        target=None,
        run=run,
    )
]
