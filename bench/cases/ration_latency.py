"""ration-svc: one fact event in, `ration.eligibility.changed.v1` out, over real NATS.

`ration_fact_latency`: ration-svc runs in-process (`kit.testing.running`: bus, durable consumers,
relay) on a database holding a governorate's households (imported with `ration import`). For
each of N households that are eligible now, traffic publishes `traffic.vehicle.registered.v1`
(a 2019 car owned by the holder) to JetStream, as an integrator does, and waits for the
household's `ration.eligibility.changed.v1` on NATS; one at a time, so each figure is one
event's full path: JetStream → durable pull consumer → inbox → fact upsert → targeted
re-evaluation (locks, set-based query, decision, outbox row) → commit → relay → JetStream.
Median latency in ms (lower is better); info: p99 and p90.

Baseline: the same publish of the same fact to JetStream, received by a plain NATS subscriber
(the transport alone), median ms, in the same run.

N = 30 events with --quick, else `env.events // 40` (500 for a full run); households:
2,000 with --quick, else RATION_BENCH_LATENCY_HOUSEHOLDS (default 50,000).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, datetime

import nats
from nats.aio.msg import Msg
from sqlalchemy import text

from bench.cases.ration_eligibility import _database, _files, _import
from bench.harness import Case, Env, Trial
from bench.stack import fresh_stream
from contracts import Envelope
from contracts.events.ration import EligibilityChanged
from contracts.events.traffic import VehicleRegistered
from contracts.streams import stream_for
from kit.testing import running, signed
from ration.main import create_app
from ration.settings import Settings


def _sizes(env: Env) -> tuple[int, int]:
    if env.quick:
        return 2_000, 30
    return int(os.environ.get("RATION_BENCH_LATENCY_HOUSEHOLDS", "50000")), max(100, env.events // 40)


def _car(owner: str) -> VehicleRegistered:
    return VehicleRegistered(
        vehicle_id=uuid.uuid4(), plate_number="ق ط 4321", owner_national_id=owner, vehicle_type="private_car",
        make="Kia", model="Cerato", model_year=2019, engine_cc=1600, governorate="03",
        registered_at=datetime(2024, 3, 2, 10, tzinfo=UTC),
    )  # fmt: skip


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


async def _transport_floor(nc: nats.NATS, owners: list[str]) -> list[float]:
    """Publish each fact to JetStream and wait for a plain subscriber to receive it."""
    js = nc.jetstream()
    got: asyncio.Queue[bytes] = asyncio.Queue()

    async def on_msg(msg: Msg) -> None:
        got.put_nowait(msg.data)

    sub = await nc.subscribe(VehicleRegistered.subject, cb=on_msg)
    try:
        out = []
        for owner in owners:
            envelope = Envelope.wrap(_car(owner), source="traffic-integrator")
            start = time.perf_counter()
            await js.publish(VehicleRegistered.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
            await asyncio.wait_for(got.get(), 30)
            out.append((time.perf_counter() - start) * 1000)
        return out
    finally:
        await sub.unsubscribe()


async def run(env: Env) -> Trial:
    households, n = _sizes(env)
    files = _files(households)
    url, (engine, sessions) = await _database(env)
    nc = await nats.connect(env.stack.nats_url)
    js = nc.jetstream()
    try:
        await _import(url, files.households, "households")
        async with sessions() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT id, holder_national_id FROM ration.households WHERE current_eligible"
                        " ORDER BY card_number LIMIT :n"
                    ),
                    {"n": 2 * n},
                )
            ).all()
        cards = {str(r.holder_national_id): str(r.id) for r in rows}
        owners = list(cards)[:n]
        await fresh_stream(js, stream_for(VehicleRegistered.subject))
        floor = await _transport_floor(nc, list(cards)[n : 2 * n] or owners)
        for subject in (VehicleRegistered.subject, EligibilityChanged.subject):
            await fresh_stream(js, stream_for(subject))  # no earlier trial's or the floor's events reach the app

        waiting: dict[str, asyncio.Future[float]] = {}

        async def on_changed(msg: Msg) -> None:
            event = Envelope.from_bytes(msg.data).event()
            if not isinstance(event, EligibilityChanged):
                return
            future = waiting.pop(str(event.card_id), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

        sub = await nc.subscribe(EligibilityChanged.subject, cb=on_changed)
        settings = Settings(
            service_name="ration-bench", database_url=url, nats_url=env.stack.nats_url, environment="test",
            log_json=False, log_level="WARNING", tick_seconds=3600,
        )  # fmt: skip
        latencies: list[float] = []
        async with running(create_app(settings)):
            for owner in owners:
                future = asyncio.get_running_loop().create_future()
                waiting[cards[owner]] = future
                envelope = Envelope.wrap(_car(owner), source="traffic-integrator")
                start = time.perf_counter()
                await js.publish(VehicleRegistered.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
                latencies.append((await asyncio.wait_for(future, 60) - start) * 1000)
        await sub.unsubscribe()
    finally:
        await nc.close()
        await engine.dispose()
    return Trial(
        measured=statistics.median(latencies),
        baseline=statistics.median(floor),
        info={
            "p90_ms": _percentile(latencies, 0.90),
            "p99_ms": _percentile(latencies, 0.99),
            "baseline_p99_ms": _percentile(floor, 0.99),
            "events": float(len(latencies)),
        },
    )


CASES = [
    Case(
        name="ration_fact_latency",
        summary="traffic.vehicle.registered.v1 on NATS to ration.eligibility.changed.v1 on NATS, one at a time, "
        "median ms (vs the same publish to a plain subscriber)",
        unit="ms",
        target=None,
        run=run,
        higher_is_better=False,
    )
]
