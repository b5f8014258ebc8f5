"""office-routing-svc: assigning offices to paid powers of attorney under contention.

`office_assignment`: N `office.appointment.requested.v1` requests handled as the consumer handles
them (`service.on_requested` in its own transaction: order row, order lock, earliest-slot search over the
governorate's offices, load spread, guarded seat UPDATE, appointment, history row, outbox event),
16 at a time, all in one governorate with 3 offices, so concurrent bookings fight for the same
slots. assignments/s. Info: per-assignment latency p50 and p99 (ms).

Baseline: the same number of one-row committed inserts, 16 at a time, on the same database.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

import kit.db as db
from bench.harness import Case, Env, Trial
from contracts.events.office import AppointmentRequested
from kit.clock import ManualClock
from kit.migrations import upgrade_async
from kit.testing import running, runtime_of
from office_routing.appointments import service
from office_routing.main import create_app
from office_routing.offices import service as offices
from office_routing.offices.schemas import OfficeIn
from office_routing.settings import Settings

SERVICE_DIR = Path(__file__).resolve().parents[2] / "office-routing-svc"
CONCURRENCY = 16
NOW = datetime(2030, 1, 6, 5, 0, tzinfo=UTC)  # a Sunday, 07:00 in Cairo


def _size(env: Env) -> int:
    return max(100, env.events // 20)


async def _pool(n: int, work: Any) -> float:
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await work(i)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return n / (time.perf_counter() - start)


async def _baseline(url: str, units: int) -> float:
    engine = db.create_engine(url, pool_size=CONCURRENCY)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS bench_unit (id uuid PRIMARY KEY, body text)"))

    async def one(_: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO bench_unit VALUES (:id, :b)"), {"id": uuid.uuid4(), "b": "x" * 200})

    try:
        return await _pool(units, one)
    finally:
        await engine.dispose()


def _requested() -> AppointmentRequested:
    return AppointmentRequested(
        order_ref=f"notary:{uuid.uuid4()}", citizen_id=uuid.uuid4(), national_id="29001011234567",
        service_code="notary.poa.general", governorate="03", requested_at=NOW,
    )  # fmt: skip


async def run(env: Env) -> Trial:
    n = _size(env)
    url = await asyncio.to_thread(env.stack.new_database, "bench_office")
    await upgrade_async(SERVICE_DIR, url)
    settings = Settings(
        database_url=url, nats_url=env.stack.nats_url, environment="test", log_json=False, log_level="WARNING",
        db_pool_size=CONCURRENCY, run_consumers=False, waiting_sweep_seconds=3600,
    )  # fmt: skip
    clock = ManualClock(NOW)
    app = create_app(settings, clock=clock)
    policy = service.Policy.of(settings)
    latencies: list[float] = []
    async with running(app):
        sessions = runtime_of(app).sessions
        async with db.transaction(sessions) as session:
            for i in range(3):
                body = OfficeIn(
                    code=f"NO-03-B{i}", kind="notary_office", governorate="03", name_ar="مكتب", name_en="Office",
                    address_ar="شارع", address_en="Street", latitude=31.26, longitude=32.3,
                    services=["notary.poa.general"], slot_minutes=15, capacity_per_slot=3,
                )  # fmt: skip
                await offices.create(session, body=body)

        async def assign(_: int) -> None:
            start = time.perf_counter()
            async with db.transaction(sessions) as session:
                booked = await service.on_requested(session, event=_requested(), policy=policy, now=NOW)
            assert booked is not None
            latencies.append((time.perf_counter() - start) * 1000)

        measured = await _pool(n, assign)
    latencies.sort()
    info = {"p50_ms": statistics.median(latencies), "p99_ms": latencies[int(0.99 * (len(latencies) - 1))]}
    return Trial(measured=measured, baseline=await _baseline(url, n), info=info)


CASES = [
    Case(
        name="office_assignment",
        summary="paid orders assigned an office slot, 16 at a time in one governorate (vs one-row commits)",
        unit="assignments/s",
        target=None,
        run=run,
    )
]
