"""CPU a kit consumer spends on an event that arrives alone, as the platform's events do at a
citizen flow's pace (issue 18): in batches a consumer pays tens of µs an event, one at a time
it pays a whole batch's fixed costs for each.

    .venv/bin/python bench/lone_events.py [--events 300] [--gap 0.02] [--mode handled|queried|passed|none]

One process publishes N signed-like address changes, `--gap` seconds apart, to a JetStream stream
and runs a kit `Consumer` on them (its own PostgreSQL and NATS, `bench.stack`); prints the
process's CPU per event (user + system). `--mode`: `handled` (inbox and one UPSERT in a
transaction, as a service's handler), `queried` (passed over after one statement without a
transaction, as the gateway's webhook feed with no subscription), `passed` (passed over without
a statement), `none` (no consumer: what the publisher and the idle loop cost, to subtract).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cases.consumer_throughput import _kit_consumer  # noqa: E402 - the repository root first
from bench.stack import Stack, fresh_stream  # noqa: E402
from bench.workload import SOURCE, STREAM, SUBJECT, create_schema, messages, service_schema  # noqa: E402
from contracts import Envelope  # noqa: E402
from kit import db  # noqa: E402
from kit.messaging.bus import connect  # noqa: E402
from kit.messaging.outbox import SESSION_KEY, OutboxBinding  # noqa: E402

WARM_UP = 20


async def main(events: int, gap: float, mode: str) -> None:
    with Stack() as stack:
        bus = await connect(stack.nats_url, name="lone-consumer")
        publisher = await connect(stack.nats_url, name="lone-publisher")
        await fresh_stream(bus.js, STREAM)
        schema = service_schema()
        url = stack.new_database("lone")
        await create_schema(url, schema)
        engine = db.create_engine(url)
        sessions = db.sessionmaker(engine, **{SESSION_KEY: OutboxBinding(schema.tables, source=SOURCE)})

        async def wanted(session: AsyncSession, envelopes: list[Envelope]) -> set[uuid.UUID]:
            if mode == "queried":
                await session.execute(text("SELECT 1 WHERE false"))
            return set()

        consumer = _kit_consumer(
            bus.js, schema, sessions, "lone", 256, mode="each",
            fetch_timeout=1.0,  # as the services' consumers
            wanted=wanted if mode in ("queried", "passed") else None,
        )  # fmt: skip
        await consumer.ensure()
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop) if mode != "none" else stop.wait())
        batch = messages(events + WARM_UP)
        for message in batch[:WARM_UP]:
            await publisher.js.publish(SUBJECT, message.payload, headers=message.headers())
        await asyncio.sleep(1.5)
        cpu, wall = time.process_time(), time.perf_counter()
        for message in batch[WARM_UP:]:
            await publisher.js.publish(SUBJECT, message.payload, headers=message.headers())
            await asyncio.sleep(gap)
        await asyncio.sleep(1.0)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        async with engine.connect() as conn:
            handled = await conn.scalar(select(func.count()).select_from(schema.tables.inbox))
        stop.set()
        await task
        await publisher.close()
        await bus.close()
        await engine.dispose()
    print(f"{mode}: {cpu * 1000 / events:.2f} ms of CPU per event ({events} events, {wall:.1f} s; inbox {handled})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--gap", type=float, default=0.02, help="seconds between two events")
    parser.add_argument("--mode", choices=("handled", "queried", "passed", "none"), default="handled")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.gap, args.mode))
