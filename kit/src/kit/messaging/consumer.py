"""Durable JetStream consumers whose effects happen exactly once.

A batch of messages is handled in one database transaction: their event ids go into the
inbox (`ON CONFLICT DO NOTHING`), the handlers run only for ids that were new, the
transaction commits, and only then are the messages acknowledged. A redelivered event
finds its id in the inbox and has no second effect. If a batch fails, its messages are
retried one by one so a single bad message cannot hold back the others; a message that
keeps failing is negatively acknowledged with growing delays and, after `max_deliver`
attempts, published to `deadletter.<durable>.<subject>` with the reason, then terminated.
A message that cannot be parsed at all goes to the dead-letter subject at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry.trace import SpanKind
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import Envelope, Event, InvalidEnvelope, UnknownEvent
from contracts.streams import stream_for
from kit import metrics, telemetry
from kit.db import transaction
from kit.messaging.tables import MessagingTables

log = logging.getLogger("kit.consumer")

HandlerFn = Callable[[AsyncSession, Any, Envelope], Awaitable[None]]

DEAD_REASON = "Shubbak-Dead-Reason"
DEAD_CONSUMER = "Shubbak-Dead-Consumer"
DEAD_DELIVERIES = "Shubbak-Dead-Deliveries"


@dataclass
class Handlers:
    """A service's event handlers: `@handlers.on(SomeEvent)` on `async def f(session, event, envelope)`."""

    by_subject: dict[str, HandlerFn] = field(default_factory=dict)

    def on(self, event_class: type[Event]) -> Callable[[HandlerFn], HandlerFn]:
        def register(fn: HandlerFn) -> HandlerFn:
            if event_class.subject in self.by_subject:
                raise ValueError(f"two handlers for {event_class.subject}")
            self.by_subject[event_class.subject] = fn
            return fn

        return register

    def by_stream(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for subject in sorted(self.by_subject):
            grouped.setdefault(stream_for(subject).name, []).append(subject)
        return grouped


@dataclass
class _Item:
    msg: Msg
    envelope: Envelope
    event: Event


class Consumer:
    """One durable pull consumer on one stream, for the subjects that have handlers."""

    def __init__(
        self,
        *,
        js: JetStreamContext,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        durable: str,
        stream: str,
        handlers: dict[str, HandlerFn],
        batch_size: int = 256,
        max_deliver: int = 5,
        backoff: Sequence[float] = (1.0, 5.0, 30.0, 120.0),
        fetch_timeout: float = 1.0,
    ) -> None:
        self.js = js
        self.sessions = sessions
        self.inbox = tables.inbox
        self.durable = durable
        self.stream = stream
        self.handlers = handlers
        self.batch_size = batch_size
        self.max_deliver = max_deliver
        self.backoff = tuple(backoff) or (1.0,)
        self.fetch_timeout = fetch_timeout
        self.tracer = telemetry.tracer("kit.consumer")

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            filter_subjects=sorted(self.handlers),
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=60,
            max_deliver=-1,  # counted here, so the last failure reaches the dead-letter subject
            max_ack_pending=self.batch_size * 4,
        )

    async def ensure(self) -> None:
        """Create the durable consumer, or bring it to this configuration (new handlers)."""
        await self.js.add_consumer(self.stream, config=self.config())

    async def run(self, stop: asyncio.Event) -> None:
        await self.ensure()
        sub = await self.js.pull_subscribe_bind(durable=self.durable, stream=self.stream)
        try:
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(self.batch_size, timeout=self.fetch_timeout)
                except (NatsTimeoutError, TimeoutError):
                    continue
                except Exception as exc:  # noqa: BLE001 - NATS away: wait and fetch again
                    log.warning("fetch failed on %s: %s", self.durable, exc)
                    await asyncio.sleep(0.5)
                    continue
                await self.process(msgs)
        finally:
            try:
                await sub.unsubscribe()
            except Exception:  # noqa: BLE001 - connection may be gone already
                pass

    async def process(self, msgs: Sequence[Msg]) -> None:
        items: list[_Item] = []
        for msg in msgs:
            try:
                envelope = Envelope.from_bytes(msg.data)
                event = envelope.event()
            except (InvalidEnvelope, UnknownEvent) as exc:
                await self._dead_letter(msg, f"unreadable event: {exc}")
                continue
            if msg.metadata.num_delivered > self.max_deliver:
                await self._dead_letter(msg, f"delivered {msg.metadata.num_delivered} times without an outcome")
                continue
            items.append(_Item(msg, envelope, event))
        if not items:
            return
        try:
            await self._handle(items)
        except Exception as exc:  # noqa: BLE001 - isolate the bad message
            if len(items) == 1:
                await self._failed(items[0], exc)
                return
            for item in items:
                try:
                    await self._handle([item])
                except Exception as one_exc:  # noqa: BLE001
                    await self._failed(item, one_exc)
                else:
                    await item.msg.ack()
            return
        for item in items:
            await item.msg.ack()

    async def _handle(self, items: Sequence[_Item]) -> None:
        async with transaction(self.sessions) as session:
            rows = [{"consumer": self.durable, "event_id": i.envelope.id, "subject": i.envelope.type} for i in items]
            inserted = await session.scalars(
                pg_insert(self.inbox).values(rows).on_conflict_do_nothing().returning(self.inbox.c.event_id)
            )
            new = set(inserted)
            for item in items:
                if item.envelope.id not in new:
                    metrics.EVENTS_DUPLICATE.labels(consumer=self.durable).inc()
                    continue
                new.discard(item.envelope.id)  # a duplicate inside the same batch
                handler = self.handlers[item.envelope.type]
                parent = telemetry.extract_context(item.msg.headers)
                with self.tracer.start_as_current_span(
                    f"consume {item.envelope.type}",
                    context=parent,
                    kind=SpanKind.CONSUMER,
                    attributes={
                        "messaging.system": "nats",
                        "messaging.destination.name": item.msg.subject,
                        "messaging.message.id": str(item.envelope.id),
                        "messaging.consumer.group.name": self.durable,
                    },
                ):
                    await handler(session, item.event, item.envelope)
        metrics.EVENTS_CONSUMED.labels(consumer=self.durable).inc(len(items))

    async def _failed(self, item: _Item, exc: BaseException) -> None:
        delivered = item.msg.metadata.num_delivered
        metrics.HANDLER_FAILURES.labels(consumer=self.durable).inc()
        if delivered >= self.max_deliver:
            await self._dead_letter(item.msg, f"{type(exc).__name__}: {exc}")
            return
        delay = self.backoff[min(delivered - 1, len(self.backoff) - 1)]
        log.warning(
            "handler failed for %s (delivery %d of %d, retry in %.0fs): %s",
            item.envelope.type,
            delivered,
            self.max_deliver,
            delay,
            exc,
        )
        await item.msg.nak(delay=delay)

    async def _dead_letter(self, msg: Msg, reason: str) -> None:
        clean = " ".join(reason.split())[:1000]
        headers = {k: v for k, v in (msg.headers or {}).items() if k != "Nats-Msg-Id"}
        headers.update(
            {
                DEAD_REASON: clean,
                DEAD_CONSUMER: self.durable,
                DEAD_DELIVERIES: str(msg.metadata.num_delivered),
                "Nats-Msg-Id": f"{self.durable}:{msg.metadata.sequence.stream}",
            }
        )
        try:
            await self.js.publish(f"deadletter.{self.durable}.{msg.subject}", msg.data, headers=headers)
        except Exception as exc:  # noqa: BLE001 - keep the message; try again later
            log.error("could not dead-letter %s: %s", msg.subject, exc)
            await msg.nak(delay=self.backoff[-1])
            return
        log.error("dead-lettered %s from %s: %s", msg.subject, self.durable, clean)
        metrics.EVENTS_DEAD_LETTERED.labels(consumer=self.durable).inc()
        await msg.term()
