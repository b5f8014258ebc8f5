"""Durable consumers with an inbox and a dead-letter subject, against real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from kit_support import address_event, bump, civil_consumer, create_schema, effects_of, service_metadata
from nats.aio.msg import Msg
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from sqlalchemy import text

from contracts import Envelope
from contracts.events.civil import AddressChanged
from kit import db, metrics
from kit.messaging import record
from kit.messaging.bus import connect, ensure_streams
from kit.messaging.consumer import DEAD_CONSUMER, DEAD_DELIVERIES, DEAD_REASON, Consumer, Handlers, _deliveries
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import OutboxRelay
from kit.messaging.tables import messaging_tables, qualified
from kit.testing import eventually, signed, stream_messages

SUBJECT = AddressChanged.subject


async def _publish(js, envelope: Envelope, msg_id: str | None = None) -> None:
    await js.publish(SUBJECT, signed(envelope), headers={"Nats-Msg-Id": msg_id or str(uuid.uuid4())})


async def _run_until(consumer: Consumer, condition, timeout: float = 15.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await condition():
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail("condition not reached in time")
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task


class TestInbox:
    async def test_same_event_delivered_twice_has_one_effect(self, pg_database, nats_server, schema, js):
        url = pg_database()
        nid = f"29{uuid.uuid4().int % 10**12:012d}"

        async def handler(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)

        consumer, bus, engine, effects = await civil_consumer(url, schema, nats_server.url, handler)
        await consumer.ensure()
        envelope = Envelope.wrap(address_event(nid, "once"), source="test")
        # Two different Nats-Msg-Ids so JetStream stores both: only the inbox can stop the second.
        await _publish(js, envelope)
        await _publish(js, envelope)
        other = nid[:-1] + ("1" if nid[-1] != "1" else "2")
        marker = Envelope.wrap(address_event(other, "marker"), source="test")
        await _publish(js, marker)

        async def done():
            seen = await effects_of(url, effects)  # the stream may hold other tests' events too
            return nid in seen and other in seen

        await _run_until(consumer, done)
        assert (await effects_of(url, effects))[nid] == (1, "once")
        await bus.close()
        await engine.dispose()

    async def test_redelivery_after_a_failure_has_one_effect(self, pg_database, nats_server, schema, js):
        url = pg_database()
        attempts = {"n": 0}

        async def flaky(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)
            if event.address_ar != f"retry {schema}":
                return  # an event of an earlier test, still in the stream
            attempts["n"] += 1
            if attempts["n"] == 1:
                raise RuntimeError("database hiccup after the effect")  # rolled back with the inbox row

        consumer, bus, engine, effects = await civil_consumer(url, schema, nats_server.url, flaky)
        await consumer.ensure()
        await _publish(js, Envelope.wrap(address_event("29001011234567", f"retry {schema}"), source="test"))

        async def done():
            return (await effects_of(url, effects)).get("29001011234567", (0, ""))[1] == f"retry {schema}"

        await _run_until(consumer, done)
        assert attempts["n"] == 2
        assert (await effects_of(url, effects))["29001011234567"][1] == f"retry {schema}"
        await bus.close()
        await engine.dispose()


class TestDeadLetter:
    async def test_poison_message_is_dead_lettered_with_reason_and_does_not_block(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()

        async def handler(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)

        consumer, bus, engine, effects = await civil_consumer(url, schema, nats_server.url, handler)
        await consumer.ensure()
        await js.publish(SUBJECT, b"{not json", headers={"Nats-Msg-Id": str(uuid.uuid4())})
        await _publish(js, Envelope.wrap(address_event("29001011234561", "after poison"), source="test"))

        async def done():
            return "29001011234561" in await effects_of(url, effects)

        await _run_until(consumer, done)
        dead = [m for m in await stream_messages(js, "DEADLETTER", f"deadletter.{schema}.") if m.data == b"{not json"]
        assert len(dead) == 1
        assert dead[0].subject == f"deadletter.{schema}.{SUBJECT}"
        assert dead[0].data == b"{not json"
        assert "unreadable event" in dead[0].headers[DEAD_REASON]
        assert dead[0].headers[DEAD_CONSUMER] == schema
        await bus.close()
        await engine.dispose()

    async def test_handler_that_always_fails_ends_in_dead_letter_after_max_deliveries(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()
        seen = []

        async def broken(session, effects, event, envelope):
            seen.append(event.national_id)
            if event.address_ar == "bad":
                raise ValueError("rule table missing governorate 03")
            await bump(session, effects, event.national_id, event.address_ar)

        consumer, bus, engine, effects = await civil_consumer(url, schema, nats_server.url, broken, max_deliver=3)
        await consumer.ensure()
        bad = Envelope.wrap(address_event("29001011234562", "bad"), source="test")
        await _publish(js, bad)
        await _publish(js, Envelope.wrap(address_event("29001011234563", "good"), source="test"))

        async def dead_letters():
            found = await stream_messages(js, "DEADLETTER", f"deadletter.{schema}.")
            return [m for m in found if m.data == signed(bad)]

        async def done():
            return bool(await dead_letters())

        await _run_until(consumer, done)
        dead = (await dead_letters())[0]
        assert dead.headers[DEAD_REASON] == "ValueError: rule table missing governorate 03"
        assert dead.headers[DEAD_DELIVERIES] == "3"
        # three deliveries; the first may also have run once inside a failed multi-message batch
        assert 3 <= seen.count("29001011234562") <= 4
        assert (await effects_of(url, effects))["29001011234563"][1] == "good"
        await bus.close()
        await engine.dispose()


class TestBatchHandlers:
    async def test_batch_handler_applies_each_new_event_once(self, pg_database, nats_server, schema, js):
        url = pg_database()
        metadata, effects = service_metadata(schema)
        await create_schema(url, metadata)
        engine = db.create_engine(url)
        tables = messaging_tables(metadata)
        sessions = db.sessionmaker(engine, **{SESSION_KEY: OutboxBinding(tables, source=schema)})
        bus = await connect(nats_server.url, name=schema)
        calls: list[int] = []
        tag = f"batch {schema}"

        async def apply(session, items, ctx):
            mine = [(event, envelope) for event, envelope in items if event.address_ar == tag]
            calls.append(len(mine))
            for event, _ in mine:
                await bump(session, effects, event.national_id, event.address_ar)

        handlers = Handlers()
        handlers.on_batch(AddressChanged)(apply)
        consumer = Consumer(
            js=bus.js,
            sessions=sessions,
            tables=tables,
            durable=schema,
            stream="CIVIL",
            handlers={SUBJECT: handlers.by_subject[SUBJECT]},
            fetch_timeout=0.2,
        )
        await consumer.ensure()
        envelopes = [Envelope.wrap(address_event(f"290010100{n:05d}", tag), source="test") for n in range(40)]
        for envelope in envelopes:
            await _publish(js, envelope)
        for envelope in envelopes[:10]:  # redelivered by a confused publisher
            await _publish(js, envelope)

        async def done():
            return sum(calls) >= 40

        await _run_until(consumer, done)
        got = await effects_of(url, effects)
        assert {k: v[0] for k, v in got.items()} == {f"290010100{n:05d}": 1 for n in range(40)}
        assert len([c for c in calls if c]) < 40  # applied in batches, not one by one
        await bus.close()
        await engine.dispose()


def passed_over(consumer: str) -> float:
    return metrics.EVENTS_PASSED_OVER.labels(consumer=consumer)._value.get()


class TestWanted:
    async def test_events_not_wanted_are_acknowledged_without_a_transaction_and_the_wanted_handled_once(
        self, pg_database, nats_server, schema, js
    ):
        url = pg_database()
        tag = f"wanted {schema}"
        asked: list[tuple[int, bool]] = []  # per call: the batch's size, whether a transaction was open
        failing = {"now": False}

        async def wanted(session, envelopes):
            await session.execute(text("SELECT 1"))
            driver = (await (await session.connection()).get_raw_connection()).driver_connection
            asked.append((len(envelopes), driver.is_in_transaction()))  # no BEGIN was sent
            if failing["now"]:
                raise RuntimeError("cannot tell")
            return {e.id for e in envelopes if e.event().address_ar == tag and e.event().national_id.endswith("0")}

        async def handler(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)

        consumer, bus, engine, effects = await civil_consumer(
            url, schema, nats_server.url, handler, wanted=wanted, ack_wait=2.0
        )
        await consumer.ensure()
        envelopes = [Envelope.wrap(address_event(f"290010100{n:05d}", tag), source="test") for n in range(20)]
        for envelope in envelopes:
            await _publish(js, envelope)
        kept = {f"290010100{n:05d}" for n in range(0, 20, 10)}
        before = passed_over(schema)

        async def done():
            got = await effects_of(url, effects)
            return kept <= got.keys() and passed_over(schema) - before >= 18

        await _run_until(consumer, done)
        await asyncio.sleep(2.5)  # past the ack wait: nothing passed over comes back
        await _run_until(consumer, lambda: asyncio.sleep(0.3, True))
        assert {k: v[0] for k, v in (await effects_of(url, effects)).items() if v[1] == tag} == dict.fromkeys(kept, 1)
        assert asked
        assert not any(open_ for _, open_ in asked)  # one statement, its own transaction
        async with engine.connect() as conn:
            query = text(f"SELECT event_id FROM {qualified(consumer.inbox)} WHERE consumer = :c")
            inbox = await conn.execute(query, {"c": schema})
            assert len(inbox.all()) == 2  # the passed over have no inbox row
        info = await js.consumer_info("CIVIL", schema)
        assert info.num_ack_pending == 0
        assert info.num_redelivered == 0

        failing["now"] = True  # cannot tell: every event is handled, as without the question
        others = [Envelope.wrap(address_event(f"290010200{n:05d}", tag), source="test") for n in range(3)]
        for envelope in others:
            await _publish(js, envelope)

        async def all_handled():
            return {f"290010200{n:05d}" for n in range(3)} <= (await effects_of(url, effects)).keys()

        await _run_until(consumer, all_handled)
        await bus.close()
        await engine.dispose()


class TestOrder:
    async def test_events_of_one_aggregate_arrive_in_the_order_recorded(self, pg_database, nats_server, schema):
        """Outbox → relay → stream → consumer keeps each citizen's events in order."""
        url = pg_database()
        metadata, _effects = service_metadata(schema)
        await create_schema(url, metadata)
        engine = db.create_engine(url)
        tables = messaging_tables(metadata)
        binding = OutboxBinding(tables, source=schema)
        sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
        bus = await connect(nats_server.url, name=schema)
        citizens = [f"2900101{n:07d}" for n in range(3)]
        for step in range(20):  # interleaved: c0#0, c1#0, c2#0, c0#1, ...
            for nid in citizens:
                async with db.transaction(sessions) as session:
                    await record(session, address_event(nid, f"{schema} step {step:02d}"))
        seen: dict[str, list[str]] = {nid: [] for nid in citizens}

        async def handler(session, effects_table, event, envelope):
            if event.address_ar.startswith(schema):
                seen[event.national_id].append(event.address_ar)

        consumer, consumer_bus, consumer_engine, _ = await civil_consumer(url, schema, nats_server.url, handler)
        relay = OutboxRelay(engine=engine, sessions=sessions, js=bus.js, binding=binding, batch_size=7)
        while await relay.relay_once():
            pass

        async def done():
            return all(len(v) == 20 for v in seen.values())

        await _run_until(consumer, done)
        for nid in citizens:
            assert seen[nid] == [f"{schema} step {step:02d}" for step in range(20)]
        for b in (bus, consumer_bus):
            await b.close()
        for e in (engine, consumer_engine):
            await e.dispose()


class TestProgressAndShortAckWait:
    async def test_a_long_handler_keeps_its_message_and_a_crashed_one_loses_it_within_the_ack_wait(
        self, pg_database, nats_server, schema, js
    ):
        """A handler working for longer than the ack wait keeps its message (progress reports);
        when its process dies, another instance gets the message after the short ack wait."""
        ack_wait = 1.0
        url = pg_database()
        started, never = asyncio.Event(), asyncio.Event()
        handled_by_b: list[str] = []

        async def stuck(session, effects, event, envelope):
            if event.address_ar == f"slow {schema}":
                started.set()
                await never.wait()  # still working when the process dies

        async def quick(session, effects, event, envelope):
            if event.address_ar == f"slow {schema}":  # not an event of an earlier test
                handled_by_b.append(event.address_ar)
                await bump(session, effects, event.national_id, event.address_ar)

        a, bus_a, engine_a, effects = await civil_consumer(url, schema, nats_server.url, stuck)
        b, bus_b, engine_b, _ = await civil_consumer(url, schema, nats_server.url, quick)
        for consumer in (a, b):
            consumer.ack_wait = ack_wait
        await a.ensure()
        await _publish(js, Envelope.wrap(address_event("29001011234570", f"slow {schema}"), source="test"))
        stop_b = asyncio.Event()
        task_a = asyncio.create_task(a.run(asyncio.Event()))
        task_b: asyncio.Task | None = None
        try:
            await asyncio.wait_for(started.wait(), 10)
            task_b = asyncio.create_task(b.run(stop_b))
            await asyncio.sleep(4 * ack_wait)
            # A reported progress: nothing was redelivered (to B) while it worked
            assert (await js.consumer_info("CIVIL", schema)).num_redelivered == 0
            assert handled_by_b == []

            task_a.cancel()  # A's process dies: no ack, no nak, its connection gone
            await asyncio.gather(task_a, return_exceptions=True)
            await bus_a.nc.close()
            deadline = asyncio.get_running_loop().time() + 20  # the old ack wait was 60 s
            while (await effects_of(url, effects)).get("29001011234570") != (1, f"slow {schema}"):
                assert asyncio.get_running_loop().time() < deadline, "not redelivered within the short ack wait"
                await asyncio.sleep(0.1)
        finally:
            task_a.cancel()
            stop_b.set()
            await asyncio.gather(task_a, *([task_b] if task_b else []), return_exceptions=True)
        assert handled_by_b == [f"slow {schema}"]
        await bus_b.close()
        for engine in (engine_a, engine_b):
            await engine.dispose()

    async def test_ensure_brings_an_existing_durable_to_the_short_ack_wait(self, pg_database, nats_server, schema, js):
        url = pg_database()

        async def handler(session, effects, event, envelope):
            pass

        consumer, bus, engine, _ = await civil_consumer(url, schema, nats_server.url, handler)
        old = consumer.config()
        old.ack_wait = 60  # as every durable was created before
        await js.add_consumer("CIVIL", config=old)
        assert (await js.consumer_info("CIVIL", schema)).config.ack_wait == 60
        consumer.ack_wait = 12
        await consumer.ensure()
        assert (await js.consumer_info("CIVIL", schema)).config.ack_wait == 12
        await bus.close()
        await engine.dispose()

    async def test_a_waiting_fetch_gives_way_to_a_reconnect_and_to_stop(self, pg_database, fresh_nats, schema):
        """An idle consumer's pull request waits on the server (here for up to a minute). NATS
        restarts: the request is gone with the old server, and the consumer asks again as soon as
        the connection is made again, so an event published after the restart is handled at once,
        not after the minute; a service stopping does not wait the minute out either."""
        url = pg_database()
        nid = f"29{uuid.uuid4().int % 10**12:012d}"

        async def handler(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)

        consumer, bus, engine, effects = await civil_consumer(url, schema, fresh_nats.url, handler, fetch_timeout=60.0)
        consumer.reconnected = bus.reconnected
        await ensure_streams(bus.js)
        await consumer.ensure()
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop))
        try:
            await asyncio.sleep(1.0)  # its pull request is waiting on the server
            fresh_nats.restart()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 15  # one bound for all three waits, far below the fetch's minute

            async def connected() -> bool:
                return bus.nc.is_connected

            envelope = Envelope.wrap(address_event(nid, "after the restart"), source="test")

            async def published() -> bool:  # JetStream takes a moment to recover its streams after a restart
                try:
                    await _publish(bus.js, envelope, msg_id=str(envelope.id))
                except (NatsTimeoutError, NoRespondersError):
                    return False
                return True

            async def handled() -> bool:
                return nid in await effects_of(url, effects)

            await eventually(connected, "a reconnect", timeout=deadline - loop.time(), interval=0.05)
            await eventually(published, "JetStream to come back", timeout=deadline - loop.time())
            await eventually(handled, "the event (not the old fetch's minute)", timeout=deadline - loop.time())
        finally:
            began = asyncio.get_running_loop().time()
            stop.set()
            await asyncio.wait_for(task, 30)
            stopped_in = asyncio.get_running_loop().time() - began
            await bus.close()
            await engine.dispose()
        assert stopped_in < 5, stopped_in


@pytest.mark.parametrize(
    "reply",
    [
        "$JS.ACK.CIVIL.ration-svc.3.1042.977.1733300000000000000.12",  # ADR-15's first form
        "$JS.ACK._.acchash.CIVIL.ration-svc.7.1042.977.1733300000000000000.0.token",  # domain and account
        "$JS.ACK.hub.acchash.CIVIL.ration-svc.1.5.5.1733300000000000000.0",
    ],
)
def test_deliveries_are_read_off_the_reply_subject_as_the_metadata_reads_them(reply):
    msg = Msg(_client=None, subject="civil.address.changed.v1", reply=reply)  # type: ignore[arg-type]
    assert _deliveries(msg) == Msg(_client=None, reply=reply).metadata.num_delivered  # type: ignore[arg-type]
