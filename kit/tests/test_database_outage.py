"""A stopped PostgreSQL: consumers wait without spending deliveries, requests get a 503 problem."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from kit_support import (
    address_event,
    bump,
    civil_consumer,
    create_schema,
    effects_of,
    make_app,
    registry_router,
    service_metadata,
)

from contracts import Envelope
from contracts.events.civil import AddressChanged
from kit import metrics
from kit.testing import running, signed, stream_messages

SUBJECT = AddressChanged.subject
ACK_WAIT = 1.5


async def _eventually(condition, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("condition not reached in time")
        await asyncio.sleep(0.1)


async def _publish(js, envelope: Envelope) -> None:
    await js.publish(SUBJECT, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})


def _paused(durable: str) -> float:
    return metrics.CONSUMER_PAUSED.labels(consumer=durable)._value.get()


class TestConsumerDuringOutage:
    async def test_an_outage_longer_than_the_redelivery_budget_applies_the_event_once_and_dead_letters_nothing(
        self, fresh_postgres, nats_server, schema, js
    ):
        fresh_postgres.create_database("svc")
        url = fresh_postgres.dsn("svc", driver="postgresql+asyncpg")

        async def handler(session, effects, event, envelope):
            await bump(session, effects, event.national_id, event.address_ar)

        # Budget: 2 deliveries 0.1 s apart. The outage below lasts ~30 times that, and longer
        # than the ack wait, so the held batch must also be kept alive by progress reports.
        consumer, bus, engine, effects = await civil_consumer(
            url,
            schema,
            nats_server.url,
            handler,
            engine_options={"pool_timeout": 1, "connect_timeout": 1},
            max_deliver=2,
            ack_wait=ACK_WAIT,
            database_wait_max=0.5,
        )
        await consumer.ensure()
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop))
        try:
            await _publish(js, Envelope.wrap(address_event("29001011230001", "before"), source="t"))
            await _eventually(lambda: _has(url, effects, "29001011230001"))
            delivered_before = (await js.consumer_info("CIVIL", schema)).delivered.consumer_seq

            fresh_postgres.stop()
            event = Envelope.wrap(address_event("29001011230002", "during the outage"), source="t")
            await _publish(js, event)

            async def holding() -> bool:
                return _paused(schema) == 1

            await _eventually(holding)
            await asyncio.sleep(3 * ACK_WAIT)  # > max_deliver × backoff, > the ack wait
            fresh_postgres.start()
            await _eventually(lambda: _has(url, effects, "29001011230002"))
        finally:
            stop.set()
            await task
        assert (await effects_of(url, effects))["29001011230002"] == (1, "during the outage")
        info = await js.consumer_info("CIVIL", schema)
        assert info.delivered.consumer_seq == delivered_before + 1  # delivered once: no delivery spent waiting
        assert info.num_ack_pending == 0
        assert _paused(schema) == 0
        dead = await stream_messages(js, "DEADLETTER", f"deadletter.{schema}.")
        assert [m for m in dead if m.data == signed(event)] == []
        await bus.close()
        await engine.dispose()


async def _has(url: str, effects, key: str) -> bool:
    try:
        return key in await effects_of(url, effects)
    except OSError:  # the database is still starting
        return False


async def _registry(url: str, nats_url: str, **settings):
    """kit_support's registry service (records an address and its event) on `url`."""
    metadata, _ = service_metadata("svc_outage")
    await create_schema(url, metadata)
    name = f"outage-{uuid.uuid4().hex[:6]}"
    return make_app(name, url, nats_url, metadata, routers=(registry_router(),), **settings)


class TestRequestsDuringOutage:
    async def test_an_unreachable_database_is_a_503_problem_with_retry_after_and_recovers(
        self, fresh_postgres, nats_server
    ):
        fresh_postgres.create_database("svc")
        app = await _registry(
            fresh_postgres.dsn("svc", driver="postgresql+asyncpg"),
            nats_server.url,
            db_pool_timeout_seconds=1,
            db_connect_timeout_seconds=1,
        )
        body = {"national_id": "29001011230003", "address": "حي الزهور"}
        async with running(app) as client:
            assert (await client.post("/v1/addresses", json=body)).status_code == 202
            fresh_postgres.stop()
            for language, title in (("en", "Service unavailable"), ("ar", "الخدمة غير متاحة")):
                response = await client.post("/v1/addresses", json=body, headers={"Accept-Language": language})
                assert response.status_code == 503
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.headers["retry-after"] == "5"
                assert response.headers["x-request-id"]
                problem = response.json()
                assert (problem["code"], problem["title"]) == ("service_unavailable", title)
                assert "postgres" not in response.text.lower()
                assert "connect" not in response.text.lower()
            fresh_postgres.start()
            assert (await client.post("/v1/addresses", json=body)).status_code == 202

    async def test_no_free_connection_within_the_pool_timeout_is_a_503(self, pg_database, nats_server):
        app = await _registry(
            pg_database(),
            nats_server.url,
            db_pool_size=1,
            db_pool_timeout_seconds=0.3,
            run_relay=False,  # the relay would hold a connection of its own
        )
        body = {"national_id": "29001011230004", "address": "حي السلام"}
        async with running(app) as client:
            engine = app.state.runtime.engine
            async with engine.connect() as first, engine.connect() as second:  # pool 1 + overflow 1
                await first.exec_driver_sql("SELECT 1")
                await second.exec_driver_sql("SELECT 1")
                response = await client.post("/v1/addresses", json=body)
                assert response.status_code == 503
                assert response.headers["retry-after"] == "5"
            assert (await client.post("/v1/addresses", json=body)).status_code == 202
