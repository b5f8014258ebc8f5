"""The paperless power-of-attorney flow end to end (issue 5): latency, flows/s, and the gateway's share.

The whole platform as `make run` starts it (`python -m devstack.run --data .data/bench/flow-...
--free-ports`: PostgreSQL, NATS, every service and the gateway as real processes, demo data
loaded), one fresh platform per trial, stopped with SIGTERM (devstack.run treats it as Ctrl-C) and its
data deleted at the end, also when the run is interrupted. The
runner's own PostgreSQL/NATS are not used. The platform is started with the gateway's rate limits
(GATEWAY_RATE_ADDRESS, _ACCOUNT, _SENSITIVE_ADDRESS, _SENSITIVE_IDENTITY) and identity's OTP
limits (IDENTITY_LIMIT_PER_CLIENT, _PER_NATIONAL_ID, _PER_MOBILE) raised: one benchmark client
on 127.0.0.1 enrols dozens of people and polls, which production would rightly throttle.

Setup (not timed): living adults of the demo registry (`identity.registry.generate`, the demo's
seed) in governorates where `notary.poa.general` is live (catalog's roll-out, Port Said first)
are enrolled through the gateway (start, code from the development SMS outbox, verify); one
notary clerk per office offering the service there is created with identity's staff command
and logs in through the gateway.

One flow (timed, wall clock): draft a general power of attorney naming an agent → quote →
create the wallet payment (Idempotency-Key) → confirm → the sandbox approves → poll the power of
attorney (every 50 ms) until the appointment is booked by event → the office's clerk checks the
principal in and verifies the national ID → poll until issued → GET the document → public
verification says valid → revoke → public verification says revoked. CONCURRENCY flows at a time.

Measured: median flow latency through the gateway (ms). Baseline: median latency of the same
flow with every call sent straight to the owning service (URLs from the platform's banner,
prefixes from platform.toml), other principals, same platform, same concurrency. Both run in
alternating halves (gateway, direct, direct, gateway) so neither always meets the fuller
database. Lower is better; no target (issue 5 asks for the figures only).

Info: p99 and flows/s of both paths; HTTP calls per flow (polls included) and the share of the
gateway flow's time spent inside HTTP calls at all (the rest is polling pauses while events
travel). The gateway's share, three ways, none of them alone the whole truth:
- `gateway_adds_ms_<call>`: a quiet sequential pass over the read-only calls of finished flows
  (GET of the power of attorney, GET of the document, public verification), alternating
  gateway-first and direct-first: median through the gateway minus median direct.
  `gateway_share_of_latency_pct` = their mean x HTTP calls per flow / median flow: the latency
  the gateway itself adds, if writes cost it what reads do (POST /v1/payments with an
  Idempotency-Key costs it more: a PostgreSQL round trip).
- `gateway_share_of_cpu_pct`: CPU seconds of the gateway process over those of every process the
  platform runs (services, PostgreSQL, NATS; not this client) during the gateway halves, and the
  CPU per flow of both paths (`platform_cpu_ms_per_flow`, `direct_platform_cpu_ms_per_flow`).
  On 2 shared cores CPU is what the gateway takes from everyone else's latency.
- `gateway_share_by_flow_pct` = (gateway median - direct median) / gateway median: the honest
  end-to-end figure, but with 20 flows a path it is within the noise of event delivery.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import secrets
import statistics
import sys
import time
import tomllib
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.harness import GATEWAY_UNLIMITED_RATES, Case, Env, Trial
from devstack.background import BackgroundPlatform, start
from identity.demo import PEOPLE as DEMO_PEOPLE  # the demo registry's size, seed and day
from identity.demo import SEED as DEMO_SEED
from identity.demo import TODAY as DEMO_TODAY
from identity.registry.generate import write_csv  # the synthetic registry the demo data loads

ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = 4
POLL_SECONDS = 0.05
WAIT_SECONDS = 60.0
SERVICE_CODE = "notary.poa.general"
PILOT = "03"
PASSWORD = "a long bench clerk password 2026"
PLATFORM_ENV = {
    **GATEWAY_UNLIMITED_RATES,
    "IDENTITY_LIMIT_PER_CLIENT": "1000000",
    "IDENTITY_LIMIT_PER_STAFF": "1000000",
    "IDENTITY_LIMIT_PER_NATIONAL_ID": "1000",
    "IDENTITY_LIMIT_PER_MOBILE": "1000",
}
READS = ("get_poa", "get_document", "public_verification")


def _size(env: Env) -> int:
    """Flows per path: 20 by default, 5 with --quick (--events N gives N // 1000)."""
    return max(5, min(env.events // 1000, 100))


# --- the platform -------------------------------------------------------------------------------


def _routes() -> dict[str, str]:
    """Public path prefix → service name, as the gateway routes them (platform.toml)."""
    spec = tomllib.loads((ROOT / "platform.toml").read_text(encoding="utf-8"))
    return {prefix: name for name, entry in spec["services"].items() for prefix in entry.get("routes", ())}


# --- HTTP through the gateway or straight to the owning service --------------------------------


class Api:
    """Sends a call through the gateway, or straight to the service that owns its prefix, and
    records (call kind, seconds) for each."""

    def __init__(self, client: httpx.AsyncClient, platform: BackgroundPlatform, *, direct: bool) -> None:
        self.client = client
        self.platform = platform
        self.direct = direct
        self.routes = sorted(_routes().items(), key=lambda item: -len(item[0]))
        self.calls: list[tuple[str, float]] = []

    def base(self, path: str) -> str:
        if not self.direct:
            return self.platform.gateway
        service = next(name for prefix, name in self.routes if path == prefix or path.startswith(prefix + "/"))
        return self.platform.services[service]

    async def call(self, kind: str, method: str, path: str, expect: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        response = await self.client.request(method, self.base(path) + path, **kwargs)
        self.calls.append((kind, time.perf_counter() - started))
        if response.status_code not in expect:
            where = "direct" if self.direct else "gateway"
            raise RuntimeError(f"{kind} ({where}) {method} {path}: {response.status_code} {response.text[:500]}")
        return response


# --- people -------------------------------------------------------------------------------------


def registry_people(governorates: list[str]) -> list[dict[str, str]]:
    """Living adults of the demo registry in these governorates, in that order (as the flow test)."""
    out = io.StringIO()
    write_csv(out, DEMO_PEOPLE, seed=DEMO_SEED, today=DEMO_TODAY)
    rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["alive"] == "true"]
    adults = [r for r in rows if r["birth_date"] < "1995-01-01" and r["mother_first_name_ar"]]
    return [r for g in governorates for r in adults if r["governorate"] == g]


@dataclass
class Citizen:
    person: dict[str, str]
    mobile: str
    token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}


async def enrol(api: Api, citizen: Citizen) -> None:
    person = citizen.person
    body = {"national_id": person["national_id"], "first_name": person["first_name_ar"],
            "mother_first_name": person["mother_first_name_ar"], "mobile": citizen.mobile}  # fmt: skip
    started = await api.call("enrol", "POST", "/v1/enrolments", (201, 202), json=body)
    sms = await api.call("dev_sms", "GET", "/v1/dev/sms", (200,), params={"mobile": citizen.mobile})
    code = re.search(r"\b(\d{6})\b", sms.json()[-1]["body"])
    if code is None:
        raise RuntimeError(f"no code in the development SMS to {citizen.mobile}")
    path = f"/v1/enrolments/{started.json()['id']}/verification"
    verified = await api.call("enrol_verify", "POST", path, (200, 201), json={"code": code.group(1)})
    citizen.token = verified.json()["tokens"]["access_token"]


class Clerks:
    """One notary clerk per office, created with identity's staff command (as ops would)."""

    def __init__(self, api: Api, platform: BackgroundPlatform) -> None:
        self.api = api
        self.platform = platform
        self.headers: dict[str, dict[str, str]] = {}
        self.locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def of(self, office_id: str, governorate: str) -> dict[str, str]:
        async with self.locks[office_id]:
            if office_id not in self.headers:
                self.headers[office_id] = await self._create(office_id, governorate)
        return self.headers[office_id]

    async def _create(self, office_id: str, governorate: str) -> dict[str, str]:
        username = f"bench-clerk-{uuid.uuid4().hex[:8]}"
        server = self.platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
        env = {**os.environ, "IDENTITY_DATABASE_URL": f"{server}/identity", "IDENTITY_STAFF_PASSWORD": PASSWORD}
        command = [sys.executable, "-m", "identity.staff", "create", "--username", username, "--name", "Bench Clerk",
                   "--role", "notary_clerk", "--office", office_id, "--governorate", governorate]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        _, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"identity.staff create failed: {err.decode()[-2000:]}")
        login = await self.api.call(
            "staff_login", "POST", "/v1/staff/sessions", (201,), json={"username": username, "password": PASSWORD}
        )
        return {"Authorization": f"Bearer {login.json()['access_token']}", "Accept-Language": "en"}


# --- the flow -----------------------------------------------------------------------------------


@dataclass
class Flow:
    seconds: float
    calls: list[tuple[str, float]]
    poa_id: str
    number: str
    code: str
    citizen: Citizen


async def _until(api: Api, citizen: Citizen, poa_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        path = f"/v1/powers-of-attorney/{poa_id}"
        poa = (await api.call("poll_poa", "GET", path, (200,), headers=citizen.auth)).json()
        if poa["status"] == status:
            return poa
        if time.monotonic() > deadline:
            raise RuntimeError(f"power of attorney {poa_id} still {poa['status']!r}, waited for {status!r}")
        await asyncio.sleep(POLL_SECONDS)


async def flow(api: Api, clerks: Clerks, citizen: Citizen, agent: dict[str, str]) -> Flow:
    auth = citizen.auth
    started = time.perf_counter()
    draft = {"kind": "general", "scopes": ["general_management"], "agents": [agent["national_id"]],
             "special_conditions": ["لا يجوز للوكيل البيع لنفسه"], "valid_until": None}  # fmt: skip
    poa_id = (await api.call("draft", "POST", "/v1/powers-of-attorney", (201,), json=draft, headers=auth)).json()["id"]
    quoted = await api.call(
        "quote", "POST", f"/v1/powers-of-attorney/{poa_id}/quote", (200, 201),
        json={"method": "wallet", "channel": "web"}, headers=auth,
    )  # fmt: skip
    key = {"Idempotency-Key": str(uuid.uuid4())}
    intent = await api.call("pay", "POST", "/v1/payments", (201,), json=quoted.json()["payment"], headers=auth | key)
    confirmed = await api.call(
        "pay_confirm", "POST", f"/v1/payments/{intent.json()['id']}/confirm", (200,),
        json={"wallet_mobile": citizen.mobile}, headers=auth,
    )  # fmt: skip
    reference = confirmed.json()["provider_reference"]
    await api.call("sandbox_approve", "POST", f"/v1/payment-sandbox/wallet/{reference}/approve", (200,))
    poa = await _until(api, citizen, poa_id, "appointment_booked")
    clerk = await clerks.of(poa["office_id"], poa.get("governorate") or citizen.person["governorate"])
    appointment = f"/v1/appointments/{poa['appointment_id']}"
    await api.call("check_in", "POST", f"{appointment}/check-in", (200,), headers=clerk)
    card = {"national_id": citizen.person["national_id"]}
    await api.call("verify_id", "POST", f"{appointment}/verify", (200,), json=card, headers=clerk)
    number = (await _until(api, citizen, poa_id, "issued"))["document_number"]
    document = await api.call("get_document", "GET", f"/v1/documents/{number}", (200,), headers=auth)
    check = {"code": document.json()["verification_code"]}
    verification = f"/v1/documents/{number}/verification"
    public = await api.call("public_verification", "GET", verification, (200,), params=check)
    if public.json()["status"] != "valid":
        raise RuntimeError(f"document {number} verifies as {public.json()['status']!r}, not valid")
    revocation = {"reason": "لم أعد بحاجة إليه"}
    path = f"/v1/powers-of-attorney/{poa_id}/revocation"
    await api.call("revoke", "POST", path, (200, 201), json=revocation, headers=auth)
    public = await api.call("public_verification", "GET", verification, (200,), params=check)
    if public.json()["status"] != "revoked":
        raise RuntimeError(f"document {number} verifies as {public.json()['status']!r} after revocation")
    return Flow(time.perf_counter() - started, [], poa_id, number, check["code"], citizen)


async def run_flows(
    make_api: Callable[[], Api], clerks: Clerks, work: list[tuple[Citizen, dict[str, str]]]
) -> tuple[list[Flow], float]:
    """Run `work` CONCURRENCY at a time; the flows and the seconds the batch took."""
    queue: asyncio.Queue[tuple[Citizen, dict[str, str]]] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    done: list[Flow] = []

    async def worker() -> None:
        while not queue.empty():
            citizen, agent = queue.get_nowait()
            api = make_api()
            result = await flow(api, clerks, citizen, agent)
            result.calls = api.calls
            done.append(result)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done, time.perf_counter() - began


async def _each(items: list[Any], job: Callable[[Any], Awaitable[object]], concurrency: int) -> None:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(item: Any) -> None:
        async with semaphore:
            await job(item)

    await asyncio.gather(*(one(item) for item in items))


# --- the trial ----------------------------------------------------------------------------------


async def run(env: Env) -> Trial:
    per_path = _size(env)
    platform = start(env=PLATFORM_ENV, kind="bench")  # from this (main) thread: see devstack.background
    try:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            return await _trial(client, platform, per_path)
    finally:
        platform.stop()


async def _trial(client: httpx.AsyncClient, platform: BackgroundPlatform, per_path: int) -> Trial:
    gateway = Api(client, platform, direct=False)
    rollout = (await gateway.call("rollout", "GET", f"/v1/services/{SERVICE_CODE}/rollout", (200,))).json()
    live = {e["governorate"] for e in rollout["items"] if e["status"] in ("pilot", "live")}
    people = registry_people(sorted(live, key=lambda g: (g != PILOT, g)))  # Port Said first
    if len(people) < 2 * per_path + 1:
        raise RuntimeError(f"{len(people)} enrollable people where {SERVICE_CODE} is live, {2 * per_path + 1} needed")
    prefix = secrets.randbelow(90) + 10
    citizens = [Citizen(p, f"012{prefix}{i:06d}") for i, p in enumerate(people[: 2 * per_path])]
    agents = [people[(i + 1) % len(people)] for i in range(len(citizens))]  # never the principal
    await _each(citizens, lambda c: enrol(Api(client, platform, direct=False), c), CONCURRENCY)

    clerks = Clerks(gateway, platform)
    governorates = sorted({c.person["governorate"] for c in citizens})
    offices = []
    for g in governorates:
        query = {"governorate": g, "service_code": SERVICE_CODE, "limit": 100}
        page = await gateway.call("offices", "GET", "/v1/offices", (200,), params=query)
        offices += [(o["id"], g) for o in page.json()["items"]]
    await _each(offices, lambda office: clerks.of(*office), 2)

    work = list(zip(citizens, agents, strict=True))
    gateway_work, direct_work = work[0::2], work[1::2]
    half = per_path // 2
    flows: dict[str, list[Flow]] = {"gateway": [], "direct": []}
    elapsed = {"gateway": 0.0, "direct": 0.0}
    cpu: dict[str, dict[str, float]] = {"gateway": defaultdict(float), "direct": defaultdict(float)}
    for name, batch in (
        ("gateway", gateway_work[:half]),
        ("direct", direct_work[:half]),
        ("direct", direct_work[half:]),
        ("gateway", gateway_work[half:]),
    ):
        before = cpu_seconds(platform)
        done, seconds = await run_flows(partial(Api, client, platform, direct=name == "direct"), clerks, batch)
        for role, used in cpu_used(before, cpu_seconds(platform)).items():
            cpu[name][role] += used
        flows[name] += done
        elapsed[name] += seconds

    through = statistics.median(f.seconds for f in flows["gateway"]) * 1000
    direct = statistics.median(f.seconds for f in flows["direct"]) * 1000
    info = _figures(flows, elapsed)
    added = await _read_pass(client, platform, flows["gateway"], rounds=20)
    info |= {f"gateway_adds_ms_{kind}": ms for kind, ms in added.items()}
    # latency: every call of the median flow pays what the gateway adds to a quiet read
    info["gateway_share_of_latency_pct"] = statistics.mean(added.values()) * info["http_calls_per_flow"] / through * 100
    info |= _cpu_figures(cpu, len(flows["gateway"]), len(flows["direct"]))
    return Trial(measured=through, baseline=direct, info=info)


# --- CPU of the platform's processes ------------------------------------------------------------


def _role(process: psutil.Process) -> str:
    """gateway, a service's package name, postgres, nats or other (devstack.run itself)."""
    try:
        cmdline = process.cmdline()
    except psutil.Error:
        return "other"
    if "-m" in cmdline[:-1]:
        return cmdline[cmdline.index("-m") + 1]
    name = Path(cmdline[0]).name if cmdline else ""
    return "postgres" if name.startswith("postgres") else "nats" if name.startswith("nats") else "other"


def cpu_seconds(platform: BackgroundPlatform) -> dict[int, tuple[str, float]]:
    """pid → (role, user + system CPU seconds) of devstack.run and everything it started."""
    found: dict[int, tuple[str, float]] = {}
    root = psutil.Process(platform.proc.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            found[process.pid] = (_role(process), times.user + times.system)
        except psutil.Error:
            continue
    return found


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per role between two samples (processes that exited in between are missed)."""
    used: dict[str, float] = defaultdict(float)
    for pid, (role, seconds) in after.items():
        used[role] += seconds - before.get(pid, (role, 0.0))[1]
    return used


def _cpu_figures(cpu: dict[str, dict[str, float]], gateway_flows: int, direct_flows: int) -> dict[str, float]:
    gw = cpu["gateway"]
    total = sum(gw.values())
    return {
        "gateway_cpu_ms_per_flow": gw["gateway"] / gateway_flows * 1000,
        "platform_cpu_ms_per_flow": total / gateway_flows * 1000,
        "direct_platform_cpu_ms_per_flow": sum(cpu["direct"].values()) / direct_flows * 1000,
        "gateway_share_of_cpu_pct": gw["gateway"] / total * 100 if total else float("nan"),
    }


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _figures(flows: dict[str, list[Flow]], elapsed: dict[str, float]) -> dict[str, float]:
    gw, direct = flows["gateway"], flows["direct"]
    gw_median = statistics.median(f.seconds for f in gw)
    direct_median = statistics.median(f.seconds for f in direct)
    http = statistics.median(sum(s for _, s in f.calls) / f.seconds for f in gw)
    return {
        "gateway_p99_ms": _p99([f.seconds for f in gw]) * 1000,
        "direct_p99_ms": _p99([f.seconds for f in direct]) * 1000,
        "gateway_flows_per_s": len(gw) / elapsed["gateway"],
        "direct_flows_per_s": len(direct) / elapsed["direct"],
        "http_calls_per_flow": statistics.median(len(f.calls) for f in gw),
        "http_share_of_flow_pct": http * 100,
        "gateway_share_by_flow_pct": (gw_median - direct_median) / gw_median * 100,
    }


async def _read_pass(
    client: httpx.AsyncClient, platform: BackgroundPlatform, flows: list[Flow], rounds: int
) -> dict[str, float]:
    """Milliseconds the gateway adds to each read-only call of finished flows: medians over
    `rounds` of them one at a time, alternating gateway-first and direct-first."""
    apis = {"gateway": Api(client, platform, direct=False), "direct": Api(client, platform, direct=True)}
    sample = flows[:5]
    for i in range(rounds):
        for f in sample:
            auth = f.citizen.auth
            order = ("gateway", "direct") if i % 2 == 0 else ("direct", "gateway")
            for name in order:
                api = apis[name]
                await api.call("get_poa", "GET", f"/v1/powers-of-attorney/{f.poa_id}", (200,), headers=auth)
                await api.call("get_document", "GET", f"/v1/documents/{f.number}", (200,), headers=auth)
                path = f"/v1/documents/{f.number}/verification"
                await api.call("public_verification", "GET", path, (200,), params={"code": f.code})
    medians = {
        name: {kind: statistics.median(s for k, s in api.calls if k == kind) for kind in READS}
        for name, api in apis.items()
    }
    return {kind: (medians["gateway"][kind] - medians["direct"][kind]) * 1000 for kind in READS}


CASES = [
    Case(
        name="paperless_flow",
        summary=(
            "the paperless power-of-attorney flow (draft → quote → wallet payment → appointment by event → "
            "clerk check-in and ID verification → issued → public verification → revoked) on the whole "
            "platform, 4 at a time: median flow latency through the gateway vs the same flow straight "
            "to the owning services"
        ),
        unit="ms/flow",
        target=None,
        run=run,
        higher_is_better=False,
    )
]
