"""Enrolment throughput (start + read the code + verify), through the gateway vs straight to identity-svc.

identity-svc and the gateway run as real processes (uvicorn) on a migrated database with a
synthetic registry loaded by COPY. 16 concurrent clients each enrol people: POST
/v1/enrolments, read the code from the development SMS outbox (GET /v1/dev/sms, always
straight to identity-svc so both runs pay the same for it), POST .../verification.
Measured: enrolments/s through the gateway. Baseline: the same straight to identity-svc,
with other people of the same registry. Target: the gateway keeps at least 60%. Both paths
are warmed up first and measured in alternating halves (direct, gateway, gateway, direct).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import select

import kit.db as db
from bench.harness import GATEWAY_UNLIMITED_RATES, Case, Env, Trial
from bench.stack import empty_streams
from devstack.ports import free_port
from identity.models import load_all
from identity.registry import service as registry
from identity.registry.generate import write_csv
from identity.registry.models import Person
from kit.messaging.bus import connect
from kit.migrations import upgrade_async

ROOT = Path(__file__).resolve().parents[2]
SERVICE_DIR = ROOT / "identity-svc"
CONCURRENCY = 16


async def run(env: Env) -> Trial:
    per_path = max(40, min(env.events // 40, 400))
    url = env.stack.new_database("identity_bench")
    await upgrade_async(SERVICE_DIR, url)
    gateway_url_db = env.stack.new_database("gateway_enrolment_bench")  # idempotency keys, webhooks
    await upgrade_async(ROOT / "gateway", gateway_url_db)
    warm = CONCURRENCY * 2
    people = await _registry(url, per_path * 2 + warm * 2)
    identity_port, gateway_port = free_port(), free_port()
    common = {**os.environ, "ENVIRONMENT": "development", "NATS_URL": env.stack.nats_url}
    identity_env = {
        **common, "IDENTITY_DATABASE_URL": url, "IDENTITY_PORT": str(identity_port), "IDENTITY_LOG_LEVEL": "WARNING",
        "IDENTITY_LIMIT_PER_CLIENT": "1000000", "IDENTITY_DB_POOL_SIZE": "20",
    }  # fmt: skip
    gateway_env = {
        **common, **GATEWAY_UNLIMITED_RATES, "GATEWAY_PORT": str(gateway_port), "GATEWAY_LOG_LEVEL": "WARNING",
        "GATEWAY_DATABASE_URL": gateway_url_db,
        "GATEWAY_UPSTREAMS": json.dumps({"identity": f"http://127.0.0.1:{identity_port}"}),
        "GATEWAY_ROUTES": json.dumps({"/v1/enrolments": "identity"}),
    }  # fmt: skip
    bus = await connect(env.stack.nats_url, name="bench-enrolment")
    try:
        await empty_streams(bus.js)  # the message cases' events are no identity-svc's business
    finally:
        await bus.close()
    identity = _spawn(["-m", "identity"], identity_env, SERVICE_DIR)
    gateway = _spawn(["-m", "gateway"], gateway_env, ROOT)
    try:
        direct_url, gateway_url = f"http://127.0.0.1:{identity_port}", f"http://127.0.0.1:{gateway_port}"
        await _ready(direct_url)
        await _ready(gateway_url)
        # Warm both paths first, then alternate halves so neither path always runs on the fuller database.
        await _drive(direct_url, direct_url, people[:warm])
        await _drive(gateway_url, direct_url, people[warm : warm * 2])
        rest, half = people[warm * 2 :], per_path // 2
        timings = {"direct": [0, 0.0], "gateway": [0, 0.0]}
        for offset, (name, base) in enumerate(
            [("direct", direct_url), ("gateway", gateway_url), ("gateway", gateway_url), ("direct", direct_url)]
        ):
            batch = rest[offset * half : (offset + 1) * half]
            timings[name][0] += len(batch)
            timings[name][1] += await _drive(base, direct_url, batch)
        direct = timings["direct"][0] / timings["direct"][1]
        through = timings["gateway"][0] / timings["gateway"][1]
    finally:
        for proc in (gateway, identity):
            proc.terminate()
            proc.wait(timeout=20)
    return Trial(measured=through, baseline=direct, info={"enrolments_per_path": float(per_path)})


async def _registry(url: str, needed: int) -> list[Person]:
    load_all()
    engine = db.create_engine(url, pool_size=1)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "registry.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                write_csv(out, needed * 3 + 500, seed=42, today=date.today())
            async with db.transaction(db.sessionmaker(engine)) as session:
                await registry.load_extract(session, path=path)
        async with db.transaction(db.sessionmaker(engine)) as session:
            rows = list(
                await session.scalars(
                    select(Person)
                    .where(
                        Person.alive,
                        Person.birth_date < db_date_years_ago(20),
                        Person.mother_first_name_ar.is_not(None),
                    )
                    .order_by(Person.national_id)
                    .limit(needed)
                )
            )
    finally:
        await engine.dispose()
    if len(rows) < needed:
        raise RuntimeError(f"registry has {len(rows)} enrollable people, {needed} needed")
    random.Random(1).shuffle(rows)
    return rows


def db_date_years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _spawn(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL)


async def _ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{base} did not become ready")


async def _drive(base: str, identity: str, people: list[Person]) -> float:
    """Enrol `people` with CONCURRENCY clients; returns the seconds it took."""
    queue: asyncio.Queue[tuple[int, Person]] = asyncio.Queue()
    for index, person in enumerate(people):
        queue.put_nowait((index, person))
    prefix = random.Random().randint(10, 99)
    limits = httpx.Limits(max_connections=CONCURRENCY * 2, max_keepalive_connections=CONCURRENCY * 2)
    async with (
        httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as api,
        httpx.AsyncClient(base_url=identity, limits=limits, timeout=30) as dev,
    ):

        async def worker() -> None:
            while not queue.empty():
                index, person = queue.get_nowait()
                mobile = f"015{prefix}{index:06d}"
                body = {"national_id": person.national_id, "first_name": person.first_name_ar,
                        "mother_first_name": person.mother_first_name_ar, "mobile": mobile}  # fmt: skip
                started = await api.post("/v1/enrolments", json=body)
                if started.status_code != 202:
                    raise RuntimeError(f"start refused: {started.status_code} {started.text}")
                sms = (await dev.get("/v1/dev/sms", params={"mobile": mobile, "limit": 1})).json()
                found = re.search(r"\b(\d{6})\b", sms[0]["body"])
                if found is None:
                    raise RuntimeError(f"no code in the SMS: {sms[0]['body']!r}")
                code = found.group(1)
                verified = await api.post(f"/v1/enrolments/{started.json()['id']}/verification", json={"code": code})
                if verified.status_code != 201:
                    raise RuntimeError(f"verify refused: {verified.status_code} {verified.text}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - began


CASES = [
    Case(
        name="enrolment_throughput",
        summary="enrolment (start + code + verify) through the gateway vs straight to identity-svc",
        unit="enrolments/s",
        target=0.6,
        run=run,
    )
]
