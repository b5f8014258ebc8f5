"""Outbox relay throughput: drain a backlog of committed events to JetStream.

Measured: `OutboxRelay.drain()` (what the running relay does: batch after batch, the next read
while this one's acknowledgements come in, this one marked while the next is published) over N
committed outbox rows as services write them (each with its leaf, as `record` prepares it; the relay
signs them a batch at a time, `kit.messaging.trust.EventSigner`), until none is pending (msgs/s).
Baseline: raw nats-py `publish_async` of the same N events as the relay publishes them (signed)
and their headers to the same stream, then awaiting every ack. Info: awaited one-by-one `js.publish`.
"""

from __future__ import annotations

import time

from nats.js import JetStreamContext
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

import kit.db as db
from bench.harness import Case, Env, Trial
from bench.stack import fresh_stream, stream_count
from bench.workload import (
    SOURCE,
    STREAM,
    SUBJECT,
    Message,
    create_schema,
    expect,
    messages,
    publish_all_async,
    publish_one_by_one,
    recorded,
    service_schema,
    signed,
)
from kit.messaging.bus import connect
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import OutboxRelay
from kit.messaging.trust import EventSigner, development_key

INSERT_CHUNK = 5_000
ONE_BY_ONE_MAX = 3_000


async def _fill_outbox(url: str, msgs: list[Message], js: JetStreamContext) -> tuple[OutboxRelay, AsyncEngine]:
    schema = service_schema()
    await create_schema(url, schema)
    engine = db.create_engine(url)
    outbox = schema.tables.outbox
    for start in range(0, len(msgs), INSERT_CHUNK):
        rows = [
            {
                "id": m.id,
                "subject": SUBJECT,
                "aggregate_id": m.national_id,
                "payload": m.payload,
                "headers": m.outbox_headers(),
            }
            for m in msgs[start : start + INSERT_CHUNK]
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(outbox), rows)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'VACUUM ANALYZE "{outbox.schema}".outbox'))  # as autovacuum would after a load
    binding = OutboxBinding(schema.tables, source=SOURCE)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
    return OutboxRelay(engine=engine, sessions=sessions, js=js, binding=binding), engine


async def run(env: Env) -> Trial:
    n = env.events
    signer = EventSigner([development_key(SOURCE)])  # the relay's own (its default)
    msgs = recorded(messages(n), signer)  # as `record` writes them
    published = signed(msgs, signer)  # as the relay publishes them
    bus = await connect(env.stack.nats_url, name="bench-relay")
    relay, engine = await _fill_outbox(env.stack.new_database("relay"), msgs, bus.js)
    try:
        await fresh_stream(bus.js, STREAM)
        raw_seconds = await publish_all_async(bus.js, published)
        expect(await stream_count(bus.js, STREAM), n, "raw publish_async")

        await fresh_stream(bus.js, STREAM)
        start = time.perf_counter()
        await relay.drain()
        relay_seconds = time.perf_counter() - start
        expect(await relay.pending(), 0, "relay pending")
        expect(await stream_count(bus.js, STREAM), n, "relay published")

        await fresh_stream(bus.js, STREAM)
        few = published[: min(n, ONE_BY_ONE_MAX)]
        sync_seconds = await publish_one_by_one(bus.js, few)
    finally:
        await bus.close()
        await engine.dispose()
    return Trial(
        measured=n / relay_seconds,
        baseline=n / raw_seconds,
        info={"one_by_one_publish_msgs_per_s": len(few) / sync_seconds},
    )


CASES = [
    Case(
        name="relay_throughput",
        summary="OutboxRelay draining N committed events vs raw publish_async of the same messages",
        unit="msgs/s",
        target=0.7,  # issue 18
        run=run,
    )
]
