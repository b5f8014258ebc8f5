"""A service built from a kit Manifest: HTTP → outbox → NATS → consumers, one trace;
health and readiness against real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from kit_support import bump, create_schema, effects_of, eligibility_event, make_app, registry_router, service_metadata
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from contracts.events.civil import AddressChanged
from contracts.events.ration import EligibilityChanged
from kit.messaging import record
from kit.messaging.consumer import Handlers
from kit.testing import running


async def _wait_for(condition, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("condition not reached in time")
        await asyncio.sleep(0.1)


class TestOneTraceAcrossServices:
    async def test_trace_survives_http_service_outbox_nats_consumer(self, pg_database, nats_server, spans):
        tag = uuid.uuid4().hex[:8]
        names = {k: f"{k}-{tag}" for k in ("registry", "ration", "notify")}
        names["ration"] = "ration-svc"  # only ration-svc may publish ration.* (contracts.audience)
        urls = {k: pg_database() for k in names}
        metas = {k: service_metadata(f"svc_{k}") for k in names}
        for k in names:
            await create_schema(urls[k], metas[k][0])

        ration_handlers = Handlers()

        @ration_handlers.on(AddressChanged)
        async def on_address(session, event, ctx):
            await record(session, eligibility_event(event.national_id, eligible=False))

        notify_handlers = Handlers()

        @notify_handlers.on(EligibilityChanged)
        async def on_eligibility(session, event, ctx):
            await bump(session, metas["notify"][1], event.holder_national_id, ctx.envelope.traceparent or "")

        registry = make_app(
            names["registry"], urls["registry"], nats_server.url, metas["registry"][0], routers=(registry_router(),)
        )
        ration = make_app(
            names["ration"], urls["ration"], nats_server.url, metas["ration"][0], handlers=ration_handlers
        )
        notify = make_app(
            names["notify"], urls["notify"], nats_server.url, metas["notify"][0], handlers=notify_handlers
        )

        trace_id = uuid.uuid4().hex
        nid = f"2{uuid.uuid4().int % 10**13:013d}"
        async with running(registry) as client, running(ration), running(notify):
            response = await client.post(
                "/v1/addresses",
                json={"national_id": nid, "address": "شارع الجمهورية، بورسعيد"},
                headers={"traceparent": f"00-{trace_id}-{'1' * 16}-01"},
            )
            assert response.status_code == 202, response.text

            async def notified():
                return nid in await effects_of(urls["notify"], metas["notify"][1])

            await _wait_for(notified)

        finished = spans.get_finished_spans()
        in_trace = [s for s in finished if format(s.context.trace_id, "032x") == trace_id]
        names_in_trace = {s.name for s in in_trace}
        assert any(s.kind.name == "SERVER" for s in in_trace), names_in_trace
        assert f"process {AddressChanged.subject}" in names_in_trace
        assert f"process {EligibilityChanged.subject}" in names_in_trace
        # the relay's producer span is the parent of the consumer's (messaging conventions)
        by_id = {s.context.span_id: s for s in in_trace}
        process = next(s for s in in_trace if s.name == f"process {AddressChanged.subject}")
        send = by_id[process.parent.span_id]
        assert (send.name, send.kind.name) == (f"send {AddressChanged.subject}", "PRODUCER")
        assert send.attributes["messaging.system"] == "nats"
        assert send.attributes["messaging.message.id"] == process.attributes["messaging.message.id"]
        assert any(s.attributes.get("db.system") == "postgresql" for s in in_trace), names_in_trace
        # and the event's envelope carried the same trace to the third service
        _, traceparent = (await effects_of(urls["notify"], metas["notify"][1]))[nid]
        assert trace_id in (traceparent or "")

    async def test_failed_request_records_no_event(self, pg_database, nats_server, js):
        tag = uuid.uuid4().hex[:8]
        url = pg_database()
        metadata, _ = service_metadata("svc_a")
        await create_schema(url, metadata)
        app = make_app(f"registry-{tag}", url, nats_server.url, metadata, routers=(registry_router(),))
        async with running(app) as client:
            response = await client.post(
                "/v1/addresses", json={"national_id": "29001011234567", "address": "fail-after-record"}
            )
            assert response.status_code == 400
            assert await app.state.runtime.relay.pending() == 0

    async def test_a_refusal_marked_commit_keeps_its_bookkeeping(self, pg_database, nats_server):
        url = pg_database()
        metadata, _ = service_metadata("svc_k")
        await create_schema(url, metadata)
        app = make_app(
            f"registry-{uuid.uuid4().hex[:8]}", url, nats_server.url, metadata, routers=(registry_router(),),
            run_relay=False,
        )  # fmt: skip
        async with running(app) as client:
            response = await client.post(
                "/v1/addresses", json={"national_id": "29001011234567", "address": "refuse-but-keep"}
            )
            assert response.status_code == 400
            assert response.headers["content-type"].startswith("application/problem+json")
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            pending = await conn.scalar(text('SELECT count(*) FROM "svc_k".outbox WHERE published_at IS NULL'))
        await engine.dispose()
        assert pending == 1  # the refused request's write was committed


class TestHealth:
    async def test_healthz_and_readyz(self, pg_database, nats_server):
        url = pg_database()
        metadata, _ = service_metadata("svc_h")
        await create_schema(url, metadata)
        app = make_app(f"health-{uuid.uuid4().hex[:6]}", url, nats_server.url, metadata)
        async with running(app) as client:
            assert (await client.get("/healthz")).json() == {"status": "ok"}
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {"status": "ready"}
            metrics = await client.get("/metrics")
            assert "http_requests_total" in metrics.text

    async def test_readyz_fails_when_nats_is_down(self, pg_database, fresh_nats):
        url = pg_database()
        metadata, _ = service_metadata("svc_h")
        await create_schema(url, metadata)
        app = make_app(f"health-{uuid.uuid4().hex[:6]}", url, fresh_nats.url, metadata)
        async with running(app) as client:
            fresh_nats.stop()
            await asyncio.sleep(0.5)
            response = await client.get("/readyz", headers={"Accept-Language": "en"})
            assert response.status_code == 503
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["failing"] == ["nats"]
            fresh_nats.start()
            for _ in range(50):
                if (await client.get("/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.2)
            assert (await client.get("/readyz")).status_code == 200
