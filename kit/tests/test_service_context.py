"""A service declared by a Manifest: its routes, handlers and sweeps get one typed context
(settings, resources, the one clock), and texts are registered when the app is built."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from kit_support import address_event, create_schema, service_metadata, settings_for
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.civil import AddressChanged
from contracts.streams import stream_for
from kit import i18n
from kit.clock import ManualClock
from kit.errors import ProblemError
from kit.messaging import record
from kit.messaging.consumer import Handlers
from kit.runtime import Runtime
from kit.service import Context, EventContext, Manifest, Now, Sweep, context
from kit.settings import ServiceSettings
from kit.testing import running

START = datetime(2030, 3, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Resources:
    greeting: str
    seen: list[tuple[str, datetime]]
    swept: asyncio.Event
    signed: dict[str, dict[str, object]] = dataclasses.field(default_factory=dict)


Ctx = Annotated[Context[ServiceSettings, Resources], Depends(context)]


def build(
    handlers: Handlers[ServiceSettings, Resources], sweep_seconds: float = 3600
) -> Manifest[ServiceSettings, Resources]:
    router = APIRouter()

    @router.get("/hello")
    async def hello(ctx: Ctx, now: Now) -> dict[str, str]:
        return {"greeting": ctx.resources.greeting, "service": ctx.settings.service_name, "at": now.isoformat()}

    @router.post("/refuse")
    async def refuse() -> None:
        raise ProblemError("kit_test_refused", status=409)

    @router.post("/addresses/{nid}")
    async def address(nid: str, session: AsyncSession = Depends(_session)) -> dict[str, str]:
        await record(session, address_event(nid, "line"))
        return {"ok": "yes"}

    async def build_resources(runtime: Runtime[ServiceSettings]) -> Resources:
        return Resources(greeting=f"hello from {runtime.settings.service_name}", seen=[], swept=asyncio.Event())

    async def sweep(session: AsyncSession, ctx: Context[ServiceSettings, Resources]) -> None:
        ctx.resources.seen.append(("sweep", ctx.now()))
        ctx.resources.swept.set()

    metadata, _ = service_metadata("svc_ctx")
    return Manifest(
        title="context test",
        settings=ServiceSettings,
        metadata=metadata,
        build_resources=build_resources,
        routers=[router],
        handlers=handlers,
        texts={"problem.kit_test_refused.title": {"ar": "مرفوض للاختبار", "en": "Refused for the test"}},
        sweeps=[Sweep("test-sweep", seconds=lambda s: sweep_seconds, run=sweep)],
    )


from kit.app import get_session as _session  # noqa: E402 - the request's unit of work


class TestContext:
    async def test_routes_handlers_and_sweeps_share_one_context_and_clock(self, pg_database, nats_server):
        url = pg_database()
        await create_schema(url, service_metadata("svc_ctx")[0])
        handlers: Handlers[ServiceSettings, Resources] = Handlers()

        @handlers.on(AddressChanged)
        async def on_address(
            session: AsyncSession, event: AddressChanged, ctx: EventContext[ServiceSettings, Resources]
        ) -> None:
            ctx.resources.seen.append((f"event {ctx.envelope.id} {event.national_id}", ctx.now()))
            ctx.resources.signed[event.national_id] = dict(ctx.signed)

        clock = ManualClock(START)
        name = f"ctx-{uuid.uuid4().hex[:6]}"
        app = build(handlers).create_app(settings_for(name, url, nats_server.url), clock=clock)
        async with running(app) as client:
            body = (await client.get("/hello")).json()
            assert body == {"greeting": f"hello from {name}", "service": name, "at": START.isoformat()}
            ctx: Context[ServiceSettings, Resources] = context_of(app)
            await asyncio.wait_for(ctx.resources.swept.wait(), 10)  # a sweep runs at start,
            assert ("sweep", START) in ctx.resources.seen  # on the service's clock (before it moves on)

            clock.advance(timedelta(hours=2))
            assert (await client.get("/hello")).json()["at"] == (START + timedelta(hours=2)).isoformat()

            refused = await client.post("/refuse", headers={"Accept-Language": "en"})
            assert refused.json()["title"] == "Refused for the test"  # the manifest's texts are registered

            nid = f"2900101{uuid.uuid4().int % 10**7:07d}"  # the stream holds other tests' events too
            assert (await client.post(f"/addresses/{nid}")).status_code == 200
            for _ in range(100):
                if any(what.endswith(nid) for what, _ in ctx.resources.seen):
                    break
                await asyncio.sleep(0.1)
            events = [(what, at) for what, at in ctx.resources.seen if what.endswith(nid)]
            assert len(events) == 1
            assert events[0][0].startswith("event ")
            assert events[0][1] == START + timedelta(hours=2)

            # the handler sees the CloudEvent exactly as it travelled on the stream
            runtime = app.state.runtime
            stored = await runtime.bus.js.get_last_msg(stream_for(AddressChanged.subject).name, AddressChanged.subject)
            assert ctx.resources.signed[nid] == json.loads(stored.data)
            assert ctx.resources.signed[nid]["data"]["national_id"] == nid


def context_of(app) -> Context[ServiceSettings, Resources]:  # type: ignore[no-untyped-def]
    return app.state.context  # type: ignore[no-any-return]


class TestEvery:
    async def test_a_failing_run_is_logged_and_the_loop_goes_on(self, pg_database, nats_server):
        url = pg_database()
        await create_schema(url, service_metadata("svc_ctx")[0])
        app = build(Handlers()).create_app(settings_for(f"every-{uuid.uuid4().hex[:6]}", url, nats_server.url))
        runs: list[int] = []
        done = asyncio.Event()

        async def flaky() -> None:
            runs.append(len(runs))
            if len(runs) == 1:
                raise RuntimeError("first run fails")
            if len(runs) >= 3:
                done.set()

        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append  # type: ignore[method-assign]
        logging.getLogger("kit.runtime").addHandler(handler)
        try:
            async with running(app):
                runtime = app.state.runtime
                wake = asyncio.Event()
                runtime.every(30, flaky, "flaky-loop", wake=wake)
                for _ in range(2):
                    await asyncio.sleep(0.05)
                    wake.set()  # sooner than the period
                await asyncio.wait_for(done.wait(), 10)
            task = next(t for t in runtime.tasks if t.get_name() == "flaky-loop")
            assert task.done()  # stopped with the service,
            assert not task.cancelled()  # not killed
        finally:
            logging.getLogger("kit.runtime").removeHandler(handler)
        assert len(runs) >= 3
        assert any("flaky-loop failed" in r.getMessage() and r.exc_info for r in records)


def test_texts_need_both_languages():
    with pytest.raises(ValueError, match="lacks"):
        i18n.register({"problem.only_arabic.title": {"ar": "نص"}})  # type: ignore[dict-item]


def test_development_routers_are_mounted_outside_production_only():
    sandbox = APIRouter()

    @sandbox.post("/v1/sandbox/approve")
    async def approve() -> dict[str, str]:
        return {"ok": "yes"}

    manifest = dataclasses.replace(build(Handlers()), development_routers=[sandbox])
    settings = settings_for("dev-routes", "postgresql+asyncpg://nowhere/x", "nats://nowhere")

    def paths(environment: str) -> set[str]:
        app = manifest.create_app(settings.model_copy(update={"environment": environment}))
        return set(app.openapi()["paths"])

    assert {"/hello", "/v1/sandbox/approve"} <= paths("test")
    assert "/hello" in paths("production")
    assert "/v1/sandbox/approve" not in paths("production")
