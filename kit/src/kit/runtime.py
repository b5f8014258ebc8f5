"""What a running service holds: engine, sessions, bus, relay, consumers, HTTP client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kit import db, telemetry
from kit.clock import SYSTEM, Clock
from kit.messaging import lag
from kit.messaging.bus import Bus, connect, ensure_streams
from kit.messaging.consumer import Consumer, Handlers
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import OutboxRelay
from kit.messaging.tables import MessagingTables, messaging_tables
from kit.messaging.trust import EventSigner, TrustList, signing_keys
from kit.settings import ServiceSettings

log = logging.getLogger("kit.runtime")

S = TypeVar("S", bound=ServiceSettings)


@dataclass
class Runtime(Generic[S]):
    settings: S
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    tables: MessagingTables
    binding: OutboxBinding
    http: httpx.AsyncClient
    signer: EventSigner
    """Prepares the service's events as they are recorded (their leaves) and signs them in its
    relay, a batch at a time; serves their public keys."""
    trust: TrustList
    """The producers' keys the service's consumers verify every event against."""
    bus: Bus | None = None
    relay: OutboxRelay | None = None
    consumers: list[Consumer] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    clock: Clock = SYSTEM
    context: Any = None
    """The service's `kit.service.Context`, once its resources are built (handlers get it)."""

    @classmethod
    def build(cls, settings: S, metadata: MetaData, *, clock: Clock = SYSTEM) -> Runtime[S]:
        engine = db.create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            application_name=settings.service_name,
            pool_timeout=settings.db_pool_timeout_seconds,
            connect_timeout=settings.db_connect_timeout_seconds,
            command_timeout=settings.db_command_timeout_seconds,
        )
        tables = messaging_tables(metadata)
        signer = EventSigner(signing_keys(settings))
        binding = OutboxBinding(tables, source=settings.service_name, public_url=settings.public_url, signer=signer)
        sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
        http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
        HTTPXClientInstrumentor().instrument_client(http)
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            tables=tables,
            binding=binding,
            http=http,
            signer=signer,
            trust=TrustList.of(settings, http),
            clock=clock,
        )

    async def start(self, handlers: Handlers[Any, Any] | None = None, *, connect_timeout: float = 30.0) -> None:
        s = self.settings
        telemetry.instrument_engine(self.engine)  # the provider is installed by now (lifespan)
        self.bus = await _connect_with_retry(s.nats_url, s.service_name, connect_timeout)
        await ensure_streams(self.bus.js, replicas=s.nats_stream_replicas)
        if s.run_relay:
            self.relay = OutboxRelay(
                engine=self.engine, sessions=self.sessions, js=self.bus.js, binding=self.binding, signer=self.signer
            )
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
                    context=self.context,
                    trust=self.trust,
                    max_deliver=s.bus_max_deliver,
                    backoff=s.bus_backoff_seconds,
                    ack_wait=s.bus_ack_wait_seconds,
                    reconnected=self.bus.reconnected,
                    wanted=handlers.wanted,
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

    def every(
        self,
        seconds: float,
        fn: Callable[[], Awaitable[object]],
        name: str,
        *,
        wake: asyncio.Event | None = None,
    ) -> asyncio.Task[None]:
        """Run `fn` now and then every `seconds` (sooner when `wake` is set) until the service
        stops. A failing run is logged with its traceback and the loop goes on; on shutdown the
        loop ends after the run in progress."""
        return self.spawn(self._every(seconds, fn, name, wake), name)

    async def _every(
        self, seconds: float, fn: Callable[[], Awaitable[object]], name: str, wake: asyncio.Event | None
    ) -> None:
        while not self.stop.is_set():
            try:
                await fn()
            except Exception:
                log.exception("%s failed; it runs again in %.1fs", name, seconds)
            waits = [asyncio.ensure_future(self.stop.wait())]
            if wake is not None:
                waits.append(asyncio.ensure_future(wake.wait()))
            _, pending = await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiting in pending:
                waiting.cancel()
            if wake is not None:
                wake.clear()

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
