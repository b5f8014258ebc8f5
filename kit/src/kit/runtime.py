"""What a running service holds: engine, sessions, bus, relay, consumers, HTTP client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kit import db, telemetry
from kit.messaging import lag
from kit.messaging.bus import Bus, connect, ensure_streams
from kit.messaging.consumer import Consumer, Handlers
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import OutboxRelay
from kit.messaging.tables import MessagingTables, messaging_tables
from kit.settings import ServiceSettings

log = logging.getLogger("kit.runtime")

RESOURCES_KEY = "kit.resources"


def resources_of(session: AsyncSession) -> dict[str, Any]:
    """What the running service put in `Runtime.resources` (its providers, its policies),
    reachable from any of its sessions: event handlers get a session and nothing else."""
    found: dict[str, Any] | None = session.info.get(RESOURCES_KEY)
    if found is None:
        raise RuntimeError("this session does not come from a service runtime")
    return found


@dataclass
class Runtime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    tables: MessagingTables
    binding: OutboxBinding
    http: httpx.AsyncClient
    bus: Bus | None = None
    relay: OutboxRelay | None = None
    consumers: list[Consumer] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    """The service's own long-lived objects; `resources_of(session)` finds them again."""

    @classmethod
    def build(cls, settings: ServiceSettings, metadata: MetaData) -> Runtime:
        engine = db.create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            application_name=settings.service_name,
            pool_timeout=settings.db_pool_timeout_seconds,
            connect_timeout=settings.db_connect_timeout_seconds,
            command_timeout=settings.db_command_timeout_seconds,
        )
        tables = messaging_tables(metadata)
        binding = OutboxBinding(tables, source=settings.service_name)
        resources: dict[str, Any] = {}  # the same dict object rides on every session's info
        sessions = db.sessionmaker(engine, **{SESSION_KEY: binding, RESOURCES_KEY: resources})
        http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
        HTTPXClientInstrumentor().instrument_client(http)
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            tables=tables,
            binding=binding,
            http=http,
            resources=resources,
        )

    async def start(self, handlers: Handlers | None = None, *, connect_timeout: float = 30.0) -> None:
        s = self.settings
        telemetry.instrument_engine(self.engine)  # the provider is installed by now (lifespan)
        self.bus = await _connect_with_retry(s.nats_url, s.service_name, connect_timeout)
        await ensure_streams(self.bus.js, replicas=s.nats_stream_replicas)
        if s.run_relay:
            self.relay = OutboxRelay(engine=self.engine, sessions=self.sessions, js=self.bus.js, binding=self.binding)
            self.spawn(self.relay.run(self.stop), "outbox-relay")
        if s.run_consumers and handlers is not None:
            for stream, subjects in handlers.by_stream().items():
                consumer = Consumer(
                    js=self.bus.js,
                    sessions=self.sessions,
                    tables=self.tables,
                    durable=s.service_name.replace(".", "-"),
                    stream=stream,
                    handlers={subject: handlers.by_subject[subject] for subject in subjects},
                    max_deliver=s.bus_max_deliver,
                    backoff=s.bus_backoff_seconds,
                    ack_wait=s.bus_ack_wait_seconds,
                )
                await consumer.ensure()
                self.consumers.append(consumer)
                self.spawn(consumer.run(self.stop), f"consumer-{stream}")
            if self.consumers:
                self.spawn(lag.watch(self.bus.js, self.consumers, self.stop), "consumer-lag")

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run a background loop for the service's lifetime: it should return once `self.stop`
        is set; on shutdown it gets the grace period, then is cancelled; a crash is logged."""
        task: asyncio.Task[None] = asyncio.create_task(coro, name=name)
        task.add_done_callback(_report_crash)
        self.tasks.append(task)
        return task

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Finish in-flight work, drain NATS, close pools (SIGTERM path)."""
        self.stop.set()
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=grace_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self.bus is not None:
            await self.bus.close()
        await self.http.aclose()
        await self.engine.dispose()


async def _connect_with_retry(url: str, name: str, timeout: float) -> Bus:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await connect(url, name=name)
        except Exception as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"NATS unreachable at {url}: {exc}") from exc
            log.warning("waiting for NATS at %s: %s", url, exc)
            await asyncio.sleep(1.0)


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s crashed", task.get_name(), exc_info=task.exception())
