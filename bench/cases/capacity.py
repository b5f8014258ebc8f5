"""Capacity (issue 18): a realistic mix of citizens and staff through the gateway, concurrency
raised step by step until the p99 of a request passes 1 s.

The whole platform as `make run` starts it (like `paperless_flow`: real processes, demo data, the
gateway's and identity's limits raised for one client address), one platform per trial. Setup (not
timed): citizens of the demo registry are enrolled, the demo ration officer signs in, and one notary
clerk per office is created when a flow first needs it.

Each virtual user repeats actions drawn by weight from the mix (`MIX`): catalogue reads (the
list and one service), the ration card, a fresh sign-in (national ID → SMS code → tokens), a new
citizen's enrolment, the card's decisions with an appeal where the household is excluded and the
officer's appeals queue, a birth certificate (order → wallet payment → approved), and the whole
paperless power of attorney (`paperless_flow.flow`: draft to revoked, with the clerk). Every HTTP
call is timed, polls included. A step runs `STEP_SECONDS` at one concurrency (1, then 2, 4, 8,
...); the trial stops after the first step whose p99 passes 1 s.

Measured: requests/s sustained at the last step whose p99 stayed within 1 s. Baseline: requests/s
of one user alone (step 1), so the ratio is how far the platform scales on this machine. Info per
step: concurrency, requests/s, flows/s (actions of several calls that completed), p50 and p99 (ms),
errors, each process's CPU share; and the first resource to saturate at the step that passed 1 s
(a process near 100% of one core, or the machine's cores). No target: the figure sizes
deployments (deploy/README.md), it judges nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import psutil

from bench.cases.paperless_flow import (
    PLATFORM_ENV,
    Api,
    Citizen,
    Clerks,
    cpu_seconds,
    cpu_used,
    enrol,
    flow,
    registry_people,
)
from bench.harness import Case, Env, Trial
from contracts.governorates import GOVERNORATES
from devstack.background import BackgroundPlatform, start

P99_LIMIT = 1.0
STEPS = (1, 2, 4, 8, 16, 32, 64)
QUICK_STEPS = (1, 2, 4)
POA = "notary.poa.general"
BIRTH = "civil.certificate.birth"
OFFICER = {"username": "ration", "password": "dev-only-password"}  # the demo's ration officer (make run)

MIX: dict[str, int] = {
    "catalogue": 35,
    "ration_card": 20,
    "sign_in": 10,
    "enrolment": 8,
    "appeals": 7,
    "certificate": 10,
    "power_of_attorney": 10,
}
"""Relative weights of the actions a virtual user draws."""
FLOWS = {"sign_in", "enrolment", "certificate", "power_of_attorney"}
"""Actions that count as a citizen flow (several calls to one outcome)."""


def _step_seconds(env: Env) -> float:
    return 8.0 if env.quick else float(os.environ.get("CAPACITY_STEP_SECONDS", "30"))


@dataclass
class Step:
    concurrency: int
    seconds: float = 0.0
    calls: list[float] = field(default_factory=list)
    flows: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    first_error: dict[str, str] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    machine_busy: float = 0.0
    """Cores busy on the whole machine during the step (the platform, this client, anything else)."""

    @property
    def rps(self) -> float:
        return len(self.calls) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.calls)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


@dataclass
class World:
    """What the virtual users share: the platform, enrolled citizens, people still to enrol."""

    client: httpx.AsyncClient
    platform: BackgroundPlatform
    clerks: Clerks
    citizens: list[Citizen]
    poa_citizens: list[Citizen]
    birth_citizens: list[Citizen]
    unenrolled: list[dict[str, str]]
    officer: dict[str, str]
    services: list[str]
    prefix: int
    appealed: set[str] = field(default_factory=set)
    signing_in: set[int] = field(default_factory=set)
    """The citizens (by `id`) a virtual user is signing in now."""

    def api(self) -> Api:
        return Api(self.client, self.platform, direct=False)


# --- the actions ---------------------------------------------------------------------------------


async def catalogue(world: World, api: Api, rng: random.Random) -> None:
    await api.call("services", "GET", "/v1/services", (200,), params={"limit": 50}, headers={"Accept-Language": "ar"})
    code = rng.choice(world.services)
    await api.call("service", "GET", f"/v1/services/{code}", (200,))


async def ration_card(world: World, api: Api, rng: random.Random) -> None:
    citizen = rng.choice(world.citizens)
    await api.call("ration_card", "GET", "/v1/ration-card", (200, 404), headers=citizen.auth)


async def sign_in(world: World, api: Api, rng: random.Random) -> None:
    idle = [c for c in world.citizens if id(c) not in world.signing_in]
    if not idle:  # every citizen is signing in already: read the catalogue instead
        await catalogue(world, api, rng)
        return
    citizen = rng.choice(idle)  # one sign-in at a time per citizen: its code is read from its phone
    world.signing_in.add(id(citizen))
    try:
        await _sign_in(api, citizen)
    finally:
        world.signing_in.discard(id(citizen))


SIGN_IN_CODE = re.compile(r"(?:رمز الدخول إلى شباك|Shubbak sign-in code): (\d{6})")
"""The sign-in SMS (identity's texts, Arabic or English); other messages to the phone (a
certificate issued, an appointment) may arrive in between."""


async def _sms(api: Api, mobile: str) -> list[dict[str, str]]:
    """The phone's last messages, newest first."""
    return (await api.call("dev_sms", "GET", "/v1/dev/sms", (200,), params={"mobile": mobile, "limit": 20})).json()


async def _sign_in(api: Api, citizen: Citizen) -> None:
    # what is new since the newest message, not a count: the development outbox keeps the last
    # 2,000 messages of all phones, so a count of one phone's messages can stand still
    seen = await _sms(api, citizen.mobile)
    before = seen[0] if seen else None
    who = {"national_id": citizen.person["national_id"]}
    started = await api.call("sign_in", "POST", "/v1/sessions", (202,), json=who)
    deadline = time.monotonic() + 30
    while True:
        sent = await _sms(api, citizen.mobile)
        new = sent[: sent.index(before)] if before in sent else sent
        code = next((found for m in new if (found := SIGN_IN_CODE.search(m["body"]))), None)
        if code is not None:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"no sign-in SMS to {citizen.mobile} within 30 s")
        await asyncio.sleep(0.1)  # the code is sent from a queue, as an operator's delivery is
    path = f"/v1/sessions/{started.json()['id']}/verification"
    verified = await api.call("sign_in_verify", "POST", path, (201,), json={"code": code.group(1)})
    citizen.token = verified.json()["access_token"]


async def enrolment(world: World, api: Api, rng: random.Random) -> None:
    if not world.unenrolled:  # the demo registry is used up: a sign-in instead
        await sign_in(world, api, rng)
        return
    person = world.unenrolled.pop()
    citizen = Citizen(person, f"015{world.prefix}{len(world.unenrolled):06d}")
    await enrol(api, citizen)
    world.citizens.append(citizen)


async def appeals(world: World, api: Api, rng: random.Random) -> None:
    citizen = rng.choice(world.citizens)
    card = await api.call("ration_card", "GET", "/v1/ration-card", (200, 404), headers=citizen.auth)
    if card.status_code == 200:
        body = card.json()
        await api.call("decisions", "GET", f"/v1/ration-card/{body['id']}/decisions", (200,), headers=citizen.auth)
        decision = body.get("decision") or {}
        if decision.get("eligible") is False and body["id"] not in world.appealed:
            world.appealed.add(body["id"])
            grounds = {"grounds": "تم بيع السيارة / the car was sold"}
            path = f"/v1/ration-card/{body['id']}/appeals"
            await api.call("appeal", "POST", path, (201, 409), json=grounds, headers=citizen.auth)
    await api.call("appeals_queue", "GET", "/v1/appeals", (200,), params={"limit": 20}, headers=world.officer)


async def certificate(world: World, api: Api, rng: random.Random) -> None:
    citizen = rng.choice(world.birth_citizens)
    order = {"kind": "birth", "method": "wallet"}
    ordered = await api.call("certificate", "POST", "/v1/certificates", (201,), json=order, headers=citizen.auth)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    payment = ordered.json()["payment"]
    intent = await api.call("pay", "POST", "/v1/payments", (201,), json=payment, headers=citizen.auth | key)
    confirmed = await api.call(
        "pay_confirm", "POST", f"/v1/payments/{intent.json()['id']}/confirm", (200,),
        json={"wallet_mobile": citizen.mobile}, headers=citizen.auth,
    )  # fmt: skip
    reference = confirmed.json()["provider_reference"]
    await api.call("sandbox_approve", "POST", f"/v1/payment-sandbox/wallet/{reference}/approve", (200,))


async def power_of_attorney(world: World, api: Api, rng: random.Random) -> None:
    citizen = rng.choice(world.poa_citizens)
    agent = rng.choice([c for c in world.poa_citizens if c is not citizen]).person
    await flow(api, world.clerks, citizen, agent)


ACTIONS: dict[str, Callable[[World, Api, random.Random], Awaitable[None]]] = {
    "catalogue": catalogue,
    "ration_card": ration_card,
    "sign_in": sign_in,
    "enrolment": enrolment,
    "appeals": appeals,
    "certificate": certificate,
    "power_of_attorney": power_of_attorney,
}


# --- a step ----------------------------------------------------------------------------------------


async def _user(world: World, step: Step, until: float, seed: int) -> None:
    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    while time.monotonic() < until:
        name = rng.choices(names, weights)[0]
        api = world.api()
        try:
            await ACTIONS[name](world, api, rng)
        except (RuntimeError, httpx.HTTPError, KeyError, ValueError) as exc:
            step.errors[f"{name}: {type(exc).__name__}"] += 1
            step.first_error.setdefault(name, str(exc)[:300])
            await asyncio.sleep(0.2)  # as a person would, before trying again
        else:
            step.actions[name] += 1
            step.flows += name in FLOWS
        finally:
            step.calls += [seconds for _, seconds in api.calls]


async def run_step(world: World, concurrency: int, seconds: float, rng: random.Random) -> Step:
    step = Step(concurrency)
    before = cpu_seconds(world.platform)
    machine = psutil.cpu_times()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(_user(world, step, until, rng.randrange(2**32)) for _ in range(concurrency)))
    step.seconds = time.monotonic() - started
    step.cpu = {role: used / step.seconds for role, used in cpu_used(before, cpu_seconds(world.platform)).items()}
    after = psutil.cpu_times()
    idle = (after.idle + getattr(after, "iowait", 0.0)) - (machine.idle + getattr(machine, "iowait", 0.0))
    step.machine_busy = (psutil.cpu_count() or 1) - idle / step.seconds
    return step


def saturated(step: Step) -> str:
    """The first resource near its limit at `step`: a process near 100% of one core (the services
    are one Python process each), else the machine's cores, else none."""
    cores = psutil.cpu_count() or 1
    busiest, share = max(step.cpu.items(), key=lambda item: item[1])
    total = sum(step.cpu.values())
    if share >= 0.9:
        return f"{busiest} at {share:.0%} of one core"
    if total >= 0.9 * cores:
        return f"the machine's {cores} cores ({total:.2f} cores busy; {busiest} the busiest at {share:.0%})"
    if step.machine_busy >= 0.9 * cores:
        elsewhere = step.machine_busy - total
        return (
            f"the machine's {cores} cores, {step.machine_busy:.2f} busy of which the platform used {total:.2f}"
            f" ({elsewhere:.2f} elsewhere: this client and other work on the machine)"
        )
    return f"no process at 90% of a core ({total:.2f} of {cores} cores busy): waiting, not CPU"


# --- the trial -------------------------------------------------------------------------------------


async def _world(client: httpx.AsyncClient, platform: BackgroundPlatform, users: int) -> World:
    api = Api(client, platform, direct=False)

    async def live(code: str) -> list[str]:
        rollout = (await api.call("rollout", "GET", f"/v1/services/{code}/rollout", (200,))).json()
        return sorted(e["governorate"] for e in rollout["items"] if e["status"] in ("pilot", "live"))

    poa_live, birth_live = set(await live(POA)), set(await live(BIRTH))
    people = registry_people([g.code for g in GOVERNORATES])
    random.Random(7).shuffle(people)
    poa_people = [p for p in people if p["governorate"] in poa_live][:users]
    birth_people = [p for p in people if p["governorate"] in birth_live and p not in poa_people][:users]
    chosen = {p["national_id"] for p in poa_people + birth_people}
    others = [p for p in people if p["national_id"] not in chosen]
    if len(poa_people) < 2 or not birth_people:
        raise RuntimeError(f"too few demo citizens where {POA} and {BIRTH} are live")
    prefix = secrets.randbelow(90) + 10
    poa = [Citizen(p, f"010{prefix}{i:06d}") for i, p in enumerate(poa_people)]
    birth = [Citizen(p, f"011{prefix}{i:06d}") for i, p in enumerate(birth_people)]
    semaphore = asyncio.Semaphore(8)

    async def enrolled(citizen: Citizen) -> None:
        async with semaphore:
            await enrol(Api(client, platform, direct=False), citizen)

    await asyncio.gather(*(enrolled(c) for c in poa + birth))
    login = await api.call("staff_login", "POST", "/v1/staff/sessions", (201,), json=OFFICER)
    officer = {"Authorization": f"Bearer {login.json()['access_token']}", "Accept-Language": "en"}
    page = await api.call("services", "GET", "/v1/services", (200,), params={"limit": 100})
    services = [item["code"] for item in page.json()["items"]]
    return World(client, platform, Clerks(api, platform), poa + birth, poa, birth, others, officer, services, prefix)


async def run(env: Env) -> Trial:
    steps = QUICK_STEPS if env.quick else STEPS
    platform = start(env=PLATFORM_ENV, kind="bench")  # from this (main) thread: see devstack.background
    try:
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            world = await _world(client, platform, users=max(steps) + 2)
            return await _trial(world, steps, _step_seconds(env))
    finally:
        platform.stop()


async def _trial(world: World, steps: tuple[int, ...], seconds: float) -> Trial:
    rng = random.Random(2026)
    done: list[Step] = []
    for concurrency in steps:
        step = await run_step(world, concurrency, seconds, rng)
        done.append(step)
        print(_row(step), flush=True)
        if step.percentile(0.99) > P99_LIMIT:
            break
    within = [s for s in done if s.percentile(0.99) <= P99_LIMIT] or done[:1]
    knee = within[-1]
    print(f"    sustained: {knee.rps:.1f} requests/s, {knee.flows / knee.seconds:.2f} flows/s at {knee.concurrency}")
    print(f"    first to saturate: {saturated(done[-1])}")
    print(f"    errors: {json.dumps(dict(sum((s.errors for s in done), Counter())), ensure_ascii=False)}")
    for name, message in {k: v for s in done for k, v in s.first_error.items()}.items():
        print(f"    first {name} error: {message}")
    info: dict[str, float] = {
        "sustained_concurrency": float(knee.concurrency),
        "sustained_flows_per_s": knee.flows / knee.seconds,
        "sustained_p99_ms": knee.percentile(0.99) * 1000,
        "steps": float(len(done)),
        "errors": float(sum(sum(s.errors.values()) for s in done)),
    }
    for step in done:
        key = f"c{step.concurrency}"
        info[f"{key}_rps"] = step.rps
        info[f"{key}_p50_ms"] = step.percentile(0.5) * 1000
        info[f"{key}_p99_ms"] = step.percentile(0.99) * 1000
        info[f"{key}_platform_cores"] = sum(step.cpu.values())
        info[f"{key}_machine_cores"] = step.machine_busy
    total = sum(knee.cpu.values()) or 1.0
    for role, share in sorted(knee.cpu.items(), key=lambda item: -item[1]):
        info[f"cpu_share_pct_{role}"] = share / total * 100
        info[f"cpu_ms_per_request_{role}"] = share / knee.rps * 1000  # what deploy/README sizes pods from
    per_request = ", ".join(
        f"{role} {share / knee.rps * 1000:.2f}" for role, share in sorted(knee.cpu.items(), key=lambda i: -i[1])
    )
    print(f"    CPU per request at {knee.concurrency} (ms; deploy/README.md sizes pods from these): {per_request}")
    return Trial(measured=knee.rps, baseline=done[0].rps, info=info)


def _row(step: Step) -> str:
    total = sum(step.cpu.values()) or 1.0
    shares = ", ".join(f"{role} {used / total:.0%}" for role, used in sorted(step.cpu.items(), key=lambda i: -i[1]))
    return (
        f"    concurrency {step.concurrency:>3}: {step.rps:7.1f} req/s, {step.flows / step.seconds:5.2f} flows/s,"
        f" p50 {step.percentile(0.5) * 1000:6.0f} ms, p99 {step.percentile(0.99) * 1000:6.0f} ms,"
        f" {sum(step.errors.values())} errors; platform CPU {sum(step.cpu.values()):.2f} cores"
        f" (machine {step.machine_busy:.2f}): {shares}"
    )


CASES = [
    Case(
        name="capacity",
        summary=(
            "a mix of citizens and staff through the gateway (catalogue, ration card, sign-in, enrolment, "
            "appeals, birth certificate, power of attorney), concurrency raised until p99 passes 1 s: "
            "requests/s sustained vs one user alone"
        ),
        unit="req/s",
        target=None,
        run=run,
        max_trials=1,
    )
]
