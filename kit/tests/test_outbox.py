"""The transactional outbox and its relay, against real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from kit_support import address_event, create_schema, service_metadata
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts import Envelope
from devstack.ports import free_port
from kit import db
from kit.messaging import record
from kit.messaging.bus import connect, ensure_streams, servers
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import INBOX_RETENTION, OutboxRelay
from kit.messaging.tables import messaging_tables
from kit.testing import stream_messages


async def _setup(url: str, schema: str) -> tuple[AsyncEngine, OutboxBinding, object]:
    metadata, _ = service_metadata(schema)
    await create_schema(url, metadata)
    engine = db.create_engine(url)
    binding = OutboxBinding(messaging_tables(metadata), source=f"test-{schema}")
    sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
    return engine, binding, sessions


def _pending_gauge(binding: OutboxBinding) -> float | None:
    """`outbox_pending_events` for this outbox, as /metrics shows it."""
    return REGISTRY.get_sample_value("outbox_pending_events", {"service": binding.source})


def _nid(n: int) -> str:
    return f"2900101{n:07d}"


async def _recorded(sessions, count: int, label: str) -> list[str]:
    """`count` address changes recorded one transaction each; their event ids, in order."""
    ids = []
    for n in range(count):
        async with db.transaction(sessions) as session:
            ids.append(str((await record(session, address_event(_nid(n), f"{label} {n}"))).id))
    return ids


def _failing_at(js, n: int, *, sent: bool):  # type: ignore[no-untyped-def]
    """Make the `n`th `publish_async` fail: refused by the server after it was sent (`sent`), or
    raising as the connection goes while it is sent. Returns the real `publish_async`."""
    publish_async = js.publish_async
    calls = {"n": 0}

    async def failing(subject, payload, headers=None, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == n and not sent:
            raise ConnectionError("connection closed")
        if calls["n"] == n:
            refused = asyncio.get_running_loop().create_future()
            refused.set_exception(ConnectionError("refused"))
            return refused
        return await publish_async(subject, payload, headers=headers, **kwargs)

    js.publish_async = failing
    return publish_async


class TestRecord:
    async def test_committed_event_is_published_with_its_id_as_msg_id(self, pg_database, nats_server, schema, js):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        async with db.transaction(sessions) as session:
            envelope = await record(session, address_event(_nid(1), f"committed {schema}"))
        bus = await connect(nats_server.url, name="relay")
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding)
        assert await relay.relay_once() == 1
        assert await relay.pending() == 0
        published = [m for m in await stream_messages(js, "CIVIL") if m.headers.get("Nats-Msg-Id") == str(envelope.id)]
        assert len(published) == 1
        assert Envelope.from_bytes(published[0].data).event().address_ar == f"committed {schema}"
        await bus.close()
        await engine.dispose()

    async def test_what_the_relay_publishes_is_a_cloudevent_the_official_sdk_parses(
        self, pg_database, nats_server, schema, js
    ):
        """Structured mode over NATS: the message body is the CloudEvent (JSON format), its
        headers say so and carry the id JetStream dedupes on; `dataschema` names the type's
        schema at the platform's gateway (the binding's public URL)."""
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        binding.public_url = "https://api.gov.example"
        async with db.transaction(sessions) as session:
            envelope = await record(session, address_event(_nid(9), f"cloudevent {schema}"))
        bus = await connect(nats_server.url, name="relay")
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding)
        assert await relay.relay_once() == 1
        (message,) = [m for m in await stream_messages(js, "CIVIL") if m.headers.get("Nats-Msg-Id") == str(envelope.id)]
        assert message.headers["Content-Type"] == "application/cloudevents+json"
        event = from_structured(HTTPMessage(headers=dict(message.headers), body=message.data), JSONFormat(), CloudEvent)
        assert (event.get_id(), event.get_type()) == (str(envelope.id), "civil.address.changed.v1")
        assert event.get_dataschema() == "https://api.gov.example/schemas/events/civil.address.changed.v1.json"
        assert event.get_extension("dataversion") == 1
        assert event.get_data()["address_ar"] == f"cloudevent {schema}"
        await bus.close()
        await engine.dispose()

    async def test_rolled_back_transaction_publishes_nothing(self, pg_database, schema):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        try:
            async with db.transaction(sessions) as session:
                await record(session, address_event(_nid(2), "never"))
                raise RuntimeError("the state change failed")
        except RuntimeError:
            pass
        relay = OutboxRelay(engine=engine, sessions=sessions, js=None, binding=binding)  # type: ignore[arg-type]
        assert await relay.pending() == 0
        await engine.dispose()

    async def test_commit_wakes_the_relay(self, pg_database, schema):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        assert not binding.wakeup.is_set()
        async with db.transaction(sessions) as session:
            await record(session, address_event(_nid(3), "wake"))
        assert binding.wakeup.is_set()
        await engine.dispose()


class TestRelayFailures:
    async def test_events_written_while_nats_is_down_arrive_after_it_returns(self, pg_database, fresh_nats, schema):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        bus = await connect(fresh_nats.url, name="relay")
        await ensure_streams(bus.js)
        fresh_nats.stop()
        ids = []
        for n in range(20):
            async with db.transaction(sessions) as session:
                ids.append(str((await record(session, address_event(_nid(n), f"line {n}"))).id))
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding, ack_timeout=1.0)
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop))
        await asyncio.sleep(2.0)
        assert await relay.pending() == 20  # nothing is marked while NATS is away
        assert _pending_gauge(binding) == 20  # and /metrics says so
        fresh_nats.start()
        for _ in range(100):
            if await relay.pending() == 0:
                break
            await asyncio.sleep(0.2)
        stop.set()
        await task
        assert await relay.pending() == 0
        assert _pending_gauge(binding) == 0
        published = await stream_messages(bus.js, "CIVIL")
        got = [m.headers["Nats-Msg-Id"] for m in published]
        assert [i for i in got if i in ids] == ids  # every event, once, in order
        await bus.close()
        await engine.dispose()

    async def test_relay_killed_between_publish_and_mark_causes_no_duplicate(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        ids = await _recorded(sessions, 5, "crash")
        bus = await connect(nats_server.url, name="relay")

        class Killed(Exception):
            pass

        async def die(_acked: list[int]) -> None:
            raise Killed

        first = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding)
        first.after_publish = die
        try:
            await first.relay_once()
        except Killed:
            pass
        assert await first.pending() == 5  # published, but not marked
        second = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding)
        assert await second.relay_once() == 5
        published = [m.headers["Nats-Msg-Id"] for m in await stream_messages(js, "CIVIL")]
        assert sorted(i for i in published if i in ids) == sorted(ids)  # JetStream dropped the repeats
        await bus.close()
        await engine.dispose()

    async def test_drain_publishes_a_backlog_of_many_batches_once_each_in_order(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        ids = await _recorded(sessions, 23, "drain")
        bus = await connect(nats_server.url, name="relay")
        sent: list[str] = []  # every publish, repeats included (JetStream would hide a repeat)
        publish_async = bus.js.publish_async

        async def counted(subject, payload, headers=None, **kwargs):
            sent.append(headers["Nats-Msg-Id"])
            return await publish_async(subject, payload, headers=headers, **kwargs)

        bus.js.publish_async = counted
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding, batch_size=4)
        marked: list[list[int]] = []

        async def slow_mark(acked: list[int]) -> None:
            marked.append(acked)
            await asyncio.sleep(0.05)  # the next batch is read and published meanwhile

        relay.after_publish = slow_mark
        assert await relay.drain() == 23
        assert sent == ids  # each once, in the order recorded, while earlier batches were being marked
        assert [len(batch) for batch in marked] == [4, 4, 4, 4, 4, 3]
        assert await relay.pending() == 0
        assert _pending_gauge(binding) == 0
        assert await relay.drain() == 0
        published = [m.headers["Nats-Msg-Id"] for m in await stream_messages(js, "CIVIL")]
        assert [i for i in published if i in ids] == ids
        await bus.close()
        await engine.dispose()

    async def test_an_event_committed_late_with_an_earlier_seq_goes_out_with_the_next_pass(
        self, pg_database, nats_server, schema, js
    ):
        """A slow transaction takes its `seq` first and commits while a drain is past it: that
        drain reads on after the batch in hand and leaves it; the next pass publishes it, once."""
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        slow = sessions()
        await slow.begin()
        late = str((await record(slow, address_event(_nid(0), "late"))).id)  # seq 1, not committed
        ids = await _recorded(sessions, 8, "on time")
        bus = await connect(nats_server.url, name="relay")
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding, batch_size=4)

        async def commit_the_slow_one(acked: list[int]) -> None:
            if slow.in_transaction():
                await slow.commit()

        relay.after_publish = commit_the_slow_one
        assert await relay.drain() == 8
        assert await relay.pending() == 1
        assert await relay.drain() == 1
        assert await relay.pending() == 0
        published = [m.headers["Nats-Msg-Id"] for m in await stream_messages(js, "CIVIL")]
        assert [i for i in published if i in {late, *ids}] == [*ids, late]  # each once
        await slow.close()
        await bus.close()
        await engine.dispose()

    @pytest.mark.parametrize(
        ("sent", "raised", "left"),
        [
            # refused after it was sent: the two batches before it marked, and 5 and 6 of its own
            pytest.param(True, "publish failed after 2 of 4", 4, id="refused"),
            # the connection goes while the second batch is sent: the first (still being
            # acknowledged meanwhile) is marked, the second and third left to the next pass
            pytest.param(False, "connection closed", 6, id="connection-gone"),
        ],
    )
    async def test_drain_marks_what_was_acknowledged_when_a_publish_fails(
        self, pg_database, nats_server, schema, sent, raised, left
    ):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        await _recorded(sessions, 10, "fails")
        bus = await connect(nats_server.url, name="relay")
        publish_async = _failing_at(bus.js, 7, sent=sent)
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding, batch_size=4)
        with pytest.raises((RuntimeError, ConnectionError), match=raised):
            await relay.drain()
        assert await relay.pending() == left  # 7 to 10 are never marked
        bus.js.publish_async = publish_async
        assert await relay.drain() == left
        assert await relay.pending() == 0
        await bus.close()
        await engine.dispose()

    async def test_only_one_relay_is_active(self, pg_database, nats_server, schema):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        bus = await connect(nats_server.url, name="relay")
        relays = [OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding) for _ in range(2)]
        published: list[int] = []
        for relay in relays:

            async def count(acked: list[int], _r: OutboxRelay = relay) -> None:
                published.append(id(_r))

            relay.after_publish = count
        stop = asyncio.Event()
        tasks = [asyncio.create_task(r.run(stop)) for r in relays]
        for n in range(10):
            async with db.transaction(sessions) as session:
                await record(session, address_event(_nid(n), f"leader {n}"))
            await asyncio.sleep(0.05)
        for _ in range(50):
            if await relays[0].pending() == 0:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.gather(*tasks)
        assert len(set(published)) == 1
        await bus.close()
        await engine.dispose()


class TestCleanup:
    async def test_old_published_events_and_inbox_entries_past_the_streams_retention_go(
        self, pg_database, nats_server, schema
    ):
        url = pg_database()
        engine, binding, sessions = await _setup(url, schema)
        bus = await connect(nats_server.url, name="cleanup")
        await ensure_streams(bus.js)
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding)
        async with db.transaction(sessions) as session:
            await record(session, address_event(_nid(9), "kept for a week"))
        await relay.relay_once()
        inbox = binding.tables.inbox
        now = datetime.now(UTC)
        ages = {
            "fresh": timedelta(hours=1),
            "within": INBOX_RETENTION - timedelta(hours=1),
            "past": INBOX_RETENTION + timedelta(hours=1),
        }
        async with db.transaction(sessions) as session:
            for name, age in ages.items():
                await session.execute(
                    insert(inbox).values(consumer=name, event_id=uuid4(), subject="x", handled_at=now - age)
                )
        try:
            assert await relay.cleanup(now) == (0, 1)  # the published event is a week from going
            assert await relay.cleanup(now + timedelta(days=8)) == (1, 1)  # and "within" has passed now
            async with sessions() as session:
                left = (await session.scalars(select(inbox.c.consumer))).all()
                assert left == ["fresh"]
                assert await session.scalar(select(func.count()).select_from(binding.tables.outbox)) == 0
        finally:
            await bus.close()
            await engine.dispose()


class TestConnect:
    async def test_a_cluster_url_list_reaches_any_server_that_answers(self, nats_server):
        down = f"nats://127.0.0.1:{free_port()}"
        assert servers(f"{down}, {nats_server.url}") == [down, nats_server.url]
        bus = await connect(f"{down},{nats_server.url}", name="listed")
        try:
            assert bus.nc.is_connected
            assert bus.nc.connected_url.port == nats_server.port
        finally:
            await bus.close()
