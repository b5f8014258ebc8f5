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
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry.trace import Link, Span, SpanKind, get_current_span
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import Envelope, Event, InvalidEnvelope, UnknownEvent
from contracts.streams import stream_for
from kit import metrics, telemetry
from kit.db import transaction
from kit.messaging.tables import MessagingTables

log = logging.getLogger("kit.consumer")

HandlerFn = Callable[[AsyncSession, Any, Envelope], Awaitable[None]]
BatchHandlerFn = Callable[[AsyncSession, list[tuple[Any, Envelope]]], Awaitable[None]]

DEAD_REASON = "Shubbak-Dead-Reason"
DEAD_CONSUMER = "Shubbak-Dead-Consumer"
DEAD_DELIVERIES = "Shubbak-Dead-Deliveries"


@dataclass(frozen=True)
class Handler:
    fn: HandlerFn | BatchHandlerFn
    batch: bool = False


@dataclass
class Handlers:
    """A service's event handlers.

    `@handlers.on(SomeEvent)` on `async def f(session, event, envelope)` handles one event at a
    time. `@handlers.on_batch(SomeEvent)` on `async def f(session, items)` gets the new events of
    a fetched batch together (consecutive runs of that subject, in stream order), so a
    high-volume fact can be applied with one multi-row statement.
    """

    by_subject: dict[str, Handler] = field(default_factory=dict)

    def on(self, event_class: type[Event]) -> Callable[[HandlerFn], HandlerFn]:
        def register(fn: HandlerFn) -> HandlerFn:
            self._add(event_class, Handler(fn))
            return fn

        return register

    def on_batch(self, event_class: type[Event]) -> Callable[[BatchHandlerFn], BatchHandlerFn]:
        def register(fn: BatchHandlerFn) -> BatchHandlerFn:
            self._add(event_class, Handler(fn, batch=True))
            return fn

        return register

    def _add(self, event_class: type[Event], handler: Handler) -> None:
        if event_class.subject in self.by_subject:
            raise ValueError(f"two handlers for {event_class.subject}")
        self.by_subject[event_class.subject] = handler

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


_INBOX_INSERT = """
INSERT INTO {table} (consumer, event_id, subject)
SELECT :consumer, ids.event_id, ids.subject
FROM unnest(CAST(:ids AS uuid[]), CAST(:subjects AS text[])) AS ids(event_id, subject)
ON CONFLICT DO NOTHING
RETURNING event_id
"""


def _qualified(table: Table) -> str:
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'


def _runs(items: Sequence[_Item]) -> list[tuple[str, list[_Item]]]:
    """Consecutive items of the same subject, in order."""
    runs: list[tuple[str, list[_Item]]] = []
    for item in items:
        if runs and runs[-1][0] == item.envelope.type:
            runs[-1][1].append(item)
        else:
            runs.append((item.envelope.type, [item]))
    return runs


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
        handlers: dict[str, Handler | HandlerFn],
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
        self.handlers = {k: h if isinstance(h, Handler) else Handler(h) for k, h in handlers.items()}
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
                    msgs = await self._fetch_batch(sub)
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

    async def _fetch_batch(self, sub: JetStreamContext.PullSubscription) -> list[Msg]:
        """Up to `batch_size` messages: wait for the first, then keep filling the batch while the
        server says more are pending (a backlog is handled in full batches; a lone event at once)."""
        msgs = list(await sub.fetch(self.batch_size, timeout=self.fetch_timeout))
        while msgs and len(msgs) < self.batch_size and msgs[-1].metadata.num_pending > 0:
            try:
                more = await sub.fetch(self.batch_size - len(msgs), timeout=0.05)
            except (NatsTimeoutError, TimeoutError):
                break
            if not more:
                break
            msgs += more
        return msgs

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
            inserted = await session.execute(
                text(_INBOX_INSERT.format(table=_qualified(self.inbox))),
                {
                    "consumer": self.durable,
                    "ids": [i.envelope.id for i in items],
                    "subjects": [i.envelope.type for i in items],
                },
            )
            new = set(inserted.scalars())
            fresh: list[_Item] = []
            for item in items:
                if item.envelope.id in new:
                    new.discard(item.envelope.id)  # a duplicate inside the same batch is not fresh
                    fresh.append(item)
                else:
                    metrics.EVENTS_DUPLICATE.labels(consumer=self.durable).inc()
            for subject, run in _runs(fresh):
                handler = self.handlers[subject]
                if handler.batch:
                    with self._span(subject, run):
                        await handler.fn(session, [(i.event, i.envelope) for i in run])  # type: ignore[call-arg,arg-type]
                else:
                    for item in run:
                        with self._span(subject, [item]):
                            await handler.fn(session, item.event, item.envelope)  # type: ignore[call-arg,arg-type]
        metrics.EVENTS_CONSUMED.labels(consumer=self.durable).inc(len(items))

    def _span(self, subject: str, run: Sequence[_Item]) -> AbstractContextManager[Span]:
        """A consumer span (`process <subject>`): the child of the relay's `send` span for one event;
        for a batch, linked to each event's send span (OpenTelemetry's pattern for batch receive)."""
        attributes: dict[str, str | int] = {
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.operation.name": "process",
            "messaging.destination.name": subject,
            "messaging.consumer.group.name": self.durable,
            "messaging.batch.message_count": len(run),
        }
        if len(run) == 1:
            attributes["messaging.message.id"] = str(run[0].envelope.id)
            parent = telemetry.extract_context(run[0].msg.headers)
            return self.tracer.start_as_current_span(
                f"process {subject}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
            )
        links = []
        for item in run if telemetry.enabled() else ():
            span_context = get_current_span(telemetry.extract_context(item.msg.headers)).get_span_context()
            if span_context.is_valid:
                links.append(Link(span_context))
        return self.tracer.start_as_current_span(
            f"process {subject}", kind=SpanKind.CONSUMER, attributes=attributes, links=links
        )

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
