"""What the relay and the consumers report for operators (deploy/monitoring alerts on it): the
outbox backlog and its oldest event's age, each durable consumer's lag, what waits for an ack and
what is being redelivered; against real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from kit_support import address_event, bump, civil_consumer, create_schema, service_metadata
from nats.errors import Error as NatsError
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine
from test_consumer import _publish, _run_until

from contracts import Envelope
from contracts.events.civil import AddressChanged
from kit import db
from kit.messaging import lag, record
from kit.messaging.bus import Bus, connect, ensure_streams
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import OutboxRelay
from kit.messaging.tables import messaging_tables


def gauge(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def _relay(url: str, schema: str, nats_url: str) -> tuple[OutboxRelay, Bus, AsyncEngine]:
    metadata, _ = service_metadata(schema)
    await create_schema(url, metadata)
    engine = db.create_engine(url)
    binding = OutboxBinding(messaging_tables(metadata), source=f"test-{schema}")
    sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
    bus = await connect(nats_url, name="relay")
    return OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding), bus, engine


class TestOutboxBacklog:
    async def test_pending_events_and_the_oldest_ones_age_until_published(self, pg_database, nats_server, schema, js):
        relay, bus, engine = await _relay(pg_database(), schema, nats_server.url)
        binding, sessions = relay.binding, relay.sessions
        assert await relay.observe() == (0, 0.0)
        async with db.transaction(sessions) as session:
            for n in range(3):
                await record(session, address_event(f"2900101{n:07d}", f"backlog {schema}"))
        await asyncio.sleep(0.3)
        count, age = await relay.observe()
        assert count == 3
        assert 0.3 <= age < 30
        assert gauge("outbox_pending_events", service=binding.source) == 3
        assert gauge("outbox_oldest_pending_age_seconds", service=binding.source) == age
        assert await relay.relay_once() == 3
        assert await relay.observe() == (0, 0.0)
        assert gauge("outbox_oldest_pending_age_seconds", service=binding.source) == 0
        await bus.close()
        await engine.dispose()

    async def test_a_running_relay_reports_it_without_being_asked(self, pg_database, nats_server, schema):
        relay, bus, engine = await _relay(pg_database(), schema, nats_server.url)
        binding = relay.binding
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop))
        for _ in range(50):
            if gauge("outbox_pending_events", service=binding.source) is not None:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await task
        assert gauge("outbox_pending_events", service=binding.source) == 0
        await bus.close()
        await engine.dispose()


class TestConsumerLag:
    async def test_lag_is_what_the_consumer_has_not_received_and_falls_to_zero(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()

        async def handler(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)

        consumer, bus, engine, _ = await civil_consumer(url, schema, nats_server.url, handler)
        await consumer.ensure()
        await lag.observe(js, consumer)
        labels = {"consumer": schema, "stream": "CIVIL"}
        before = gauge("event_consumer_pending_messages", **labels)
        assert before is not None  # the stream's history: a new consumer starts at its beginning
        for n in range(3):
            await _publish(js, Envelope.wrap(address_event(f"29{uuid.uuid4().int % 10**12:012d}", f"{n}"), source="t"))
        await lag.observe(js, consumer)
        assert gauge("event_consumer_pending_messages", **labels) == before + 3

        async def caught_up():
            await lag.observe(js, consumer)
            received = gauge("event_consumer_pending_messages", **labels) == 0
            return received and gauge("event_consumer_ack_pending_messages", **labels) == 0

        await _run_until(consumer, caught_up)  # fails unless both fall to 0
        await bus.close()
        await engine.dispose()

    async def test_a_message_delivered_again_shows_as_redelivered_until_acknowledged(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()

        async def handler(session, effects, event, envelope):
            pass

        consumer, bus, engine, _ = await civil_consumer(url, schema, nats_server.url, handler)
        await consumer.ensure()
        await _publish(js, Envelope.wrap(address_event("29001010000001", "again"), source="t"))
        sub = await js.pull_subscribe_bind(durable=consumer.durable, stream=consumer.stream)
        (first,) = await sub.fetch(1, timeout=5)
        await first.nak()
        again = None
        for _ in range(20):
            (msg,) = await sub.fetch(1, timeout=5)
            if msg.metadata.sequence.stream == first.metadata.sequence.stream:
                again = msg
                break
            await msg.ack()
        assert again is not None
        assert again.metadata.num_delivered == 2
        await lag.observe(js, consumer)
        labels = {"consumer": schema, "stream": "CIVIL"}
        assert gauge("event_consumer_redelivered_messages", **labels) == 1
        assert gauge("event_consumer_ack_pending_messages", **labels) == 1
        await again.ack()
        await asyncio.sleep(0.2)
        await lag.observe(js, consumer)
        assert gauge("event_consumer_redelivered_messages", **labels) == 0
        await sub.unsubscribe()
        await bus.close()
        await engine.dispose()


class TestSendSpans:
    async def test_a_publish_that_gets_no_ack_ends_its_send_span_as_an_error(
        self, pg_database, fresh_nats, schema, spans
    ):
        relay, bus, engine = await _relay(pg_database(), schema, fresh_nats.url)
        await ensure_streams(bus.js)
        async with db.transaction(relay.sessions) as session:
            envelope = await record(session, address_event("29001010000002", f"no ack {schema}"))
        fresh_nats.stop()
        relay.ack_timeout = 0.5
        with pytest.raises((RuntimeError, NatsError)):  # no ack, or no connection to publish on
            await relay.relay_once()
        (sent,) = [
            s
            for s in spans.get_finished_spans()
            if s.name == f"send {AddressChanged.subject}" and s.attributes["messaging.message.id"] == str(envelope.id)
        ]
        assert sent.kind.name == "PRODUCER"
        assert sent.status.status_code.name == "ERROR"
        assert await relay.pending() == 1  # kept for the next try
        with contextlib.suppress(ConnectionError):  # its server is gone
            await bus.close()
        await engine.dispose()
