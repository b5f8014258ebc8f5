"""Consumer throughput: a kit `Consumer` (inbox dedup + a real effect) working through a backlog.

Measured: N events already in the stream; a `Consumer` with the inbox and a batch handler
(`Handlers.on_batch`: one multi-row UPSERT per fetched batch) runs until the inbox holds N rows
(msgs/s). Baseline: a plain pull subscription (fresh durable, same consumer settings) fetching
and acking the same N messages, no database. Info: the same consumer with a per-event handler
(one UPSERT per event: the handler's own round trips dominate) and with a no-op handler.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import kit.db as db
from bench.harness import Case, Env, Trial
from bench.stack import fresh_stream
from bench.workload import (
    SOURCE,
    STREAM,
    SUBJECT,
    Schema,
    bump,
    bump_many,
    create_schema,
    expect,
    messages,
    publish_all_async,
    service_schema,
)
from contracts import Envelope
from contracts.events.civil import AddressChanged
from kit.messaging.bus import connect
from kit.messaging.consumer import Consumer, Handler, WantedFn
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.trust import TrustList

DEFAULT_BATCH = 256
OTHER_BATCHES = (64, 1024)
POLL_SECONDS = 0.02


async def run(env: Env) -> Trial:
    n = env.events
    bus = await connect(env.stack.nats_url, name="bench-consumer")
    try:
        await fresh_stream(bus.js, STREAM)
        await publish_all_async(bus.js, messages(n))
        info: dict[str, float] = {}
        plain = await _plain(bus.js, n, DEFAULT_BATCH, "plain-b256")
        consumer = await _consumer(env, bus.js, n, DEFAULT_BATCH, "kit-b256", mode="batch")
        # Where the time goes: a handler with one UPSERT per event, and one that does nothing.
        info["consumer_per_event_upsert_b256_msgs_per_s"] = await _consumer(
            env, bus.js, n, DEFAULT_BATCH, "kit-each-b256", mode="each"
        )
        info["consumer_noop_handler_b256_msgs_per_s"] = await _consumer(
            env, bus.js, n, DEFAULT_BATCH, "kit-noop-b256", mode="noop"
        )
        if not env.quick:
            for batch in OTHER_BATCHES:
                info[f"plain_b{batch}_msgs_per_s"] = await _plain(bus.js, n, batch, f"plain-b{batch}")
                info[f"consumer_b{batch}_msgs_per_s"] = await _consumer(
                    env, bus.js, n, batch, f"kit-b{batch}", mode="batch"
                )
    finally:
        await bus.close()
    return Trial(measured=consumer, baseline=plain, info=info)


def _kit_consumer(
    js: JetStreamContext,
    schema: Schema,
    sessions: Any,
    durable: str,
    batch: int,
    *,
    mode: str = "batch",
    trust: TrustList | None = None,
    fetch_timeout: float = 0.5,
    wanted: WantedFn | None = None,
) -> Consumer:
    async def handle(session: AsyncSession, event: AddressChanged, ctx: object) -> None:
        if mode == "each":
            await bump(session, schema.effects, event.national_id, event.address_ar)

    async def handle_batch(session: AsyncSession, items: list[tuple[AddressChanged, Envelope]], ctx: object) -> None:
        await bump_many(session, schema.effects, [(e.national_id, e.address_ar) for e, _ in items])

    return Consumer(
        js=js,
        sessions=sessions,
        tables=schema.tables,
        durable=durable,
        stream=STREAM.name,
        handlers={SUBJECT: Handler(handle_batch, batch=True) if mode == "batch" else Handler(handle)},
        batch_size=batch,
        fetch_timeout=fetch_timeout,
        trust=trust,
        wanted=wanted,
    )


async def _consumer(
    env: Env, js: JetStreamContext, n: int, batch: int, durable: str, *, mode: str, trust: TrustList | None = None
) -> float:
    """msgs/s of a kit Consumer over the `n` messages in the stream, into a fresh database
    (verifying each against `trust` if given)."""
    schema = service_schema()
    url = env.stack.new_database("consumer")
    await create_schema(url, schema)
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: OutboxBinding(schema.tables, source=SOURCE)})
    consumer = _kit_consumer(js, schema, sessions, durable, batch, mode=mode, trust=trust)
    await consumer.ensure()
    inbox = schema.tables.inbox
    count = select(func.count()).select_from(inbox)
    stop = asyncio.Event()
    try:
        async with engine.connect() as conn:
            start = time.perf_counter()
            task = asyncio.create_task(consumer.run(stop))
            while (await conn.scalar(count) or 0) < n:
                await conn.rollback()  # a fresh snapshot each poll
                if task.done():
                    task.result()
                    raise RuntimeError("consumer stopped early")
                await asyncio.sleep(POLL_SECONDS)
            seconds = time.perf_counter() - start
            stop.set()
            await task
            effects = await conn.scalar(select(func.sum(schema.effects.c.count)))
            expect(int(effects or 0), 0 if mode == "noop" else n, "handler effects")
    finally:
        stop.set()
        await engine.dispose()
    return n / seconds


async def _plain(js: JetStreamContext, n: int, batch: int, durable: str) -> float:
    """msgs/s of a bare pull subscription fetching and acking the `n` messages (no database)."""
    config = _kit_consumer(js, service_schema(), None, durable, batch).config()  # same settings as the kit's
    await js.add_consumer(STREAM.name, config=config)
    sub = await js.pull_subscribe_bind(durable=durable, stream=STREAM.name)
    done = 0
    start = time.perf_counter()
    while done < n:
        try:
            msgs = await sub.fetch(batch, timeout=0.5)
        except (NatsTimeoutError, TimeoutError):
            continue
        for msg in msgs:
            await msg.ack()
        done += len(msgs)
    await js._nc.flush()  # the acks have left
    seconds = time.perf_counter() - start
    await sub.unsubscribe()
    expect(done, n, "plain consumer messages")
    return n / seconds


CASES = [
    Case(
        name="consumer_throughput",
        summary="kit Consumer (inbox + one UPSERT per event) vs a plain pull fetch+ack loop, same N messages",
        unit="msgs/s",
        target=0.6,  # issue 18
        run=run,
    )
]
