"""Durable JetStream consumers whose effects happen exactly once.

A batch of messages is handled in one database transaction: their event ids go into the
inbox (`ON CONFLICT DO NOTHING`), the handlers run only for ids that were new, the
transaction commits, and only then are the messages acknowledged. A redelivered event
finds its id in the inbox and has no second effect. If a batch fails, its messages are
retried one by one so a single bad message cannot hold back the others; a message that
keeps failing is negatively acknowledged with growing delays and, after `max_deliver`
attempts, published to `deadletter.<durable>.<subject>` with the reason, then terminated.
A message that cannot be parsed at all goes to the dead-letter subject at once.

A service that acts on only some of the events its subjects carry (the gateway forwards only
the types a webhook subscription asks for) can say which are worth handling (`Handlers.wanting`),
asked once a batch before the handling transaction: the others are acknowledged at once, with no
transaction and no inbox entry. Nothing is done for them, so a redelivery is harmless (handled
then if wanted then).

An unreachable database is not a bad message. When handling fails because the consumer's
own database cannot be reached (and a `SELECT 1` confirms it), the consumer keeps the batch,
stops fetching, and tries the same batch again once the database answers: no delivery is
spent (JetStream counts every redelivery, a nak with a delay included), so an outage of
any length dead-letters nothing. While a batch is in hand, waiting or being handled, the
consumer tells JetStream it is still working on it (`in_progress`, every third of the ack
wait), so the ack wait can be short: a batch held by a consumer that crashed is redelivered
to another instance after `ack_wait` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import quote
from uuid import UUID

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry.trace import Link, Span, SpanKind, get_current_span
from pydantic import ValidationError
from pydantic_core import from_json
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from contracts import Envelope, Event, InvalidEnvelope, UnknownEvent
from contracts.signing import REPLAYED, KeyRing, SignatureRejected, Verified, content_digest
from contracts.streams import stream_for
from kit import metrics, telemetry
from kit.db import transaction, unreachable
from kit.messaging.pull import Pull
from kit.messaging.tables import MessagingTables, qualified
from kit.messaging.trust import KeysUnavailable, TrustList
from kit.settings import ServiceSettings

if TYPE_CHECKING:
    from kit.service import BatchContext, Context, EventContext

log = logging.getLogger("kit.consumer")

S = TypeVar("S", bound=ServiceSettings)
R = TypeVar("R")
E = TypeVar("E", bound=Event)

HandlerFn = Callable[[AsyncSession, E, "EventContext[S, R]"], Awaitable[None]]
"""`async def f(session, event, ctx)`: one event, with the service's context, its envelope and
the signed CloudEvent as it travelled (`ctx.signed`)."""
BatchHandlerFn = Callable[[AsyncSession, list[tuple[E, Envelope]], "BatchContext[S, R]"], Awaitable[None]]
"""`async def f(session, items, ctx)`: the new events of a fetched batch, in stream order
(`ctx.signed[event_id]`: each one's signed CloudEvent as it travelled)."""

DEAD_REASON = "Shubbak-Dead-Reason"
"""The reason, percent-encoded beyond printable ASCII (`urllib.parse.unquote` reads it)."""
DEAD_CONSUMER = "Shubbak-Dead-Consumer"
DEAD_DELIVERIES = "Shubbak-Dead-Deliveries"
DEAD_KIND = "Shubbak-Dead-Kind"
"""Why, as one of DEAD_KINDS (the metric's label; the reason header has the details)."""
DEAD_KINDS = ("unreadable", "refused", "failed", "no_outcome")
DEAD_REFUSAL = "Shubbak-Dead-Refusal"
"""For a refused event, why (`contracts.signing.REASONS`: unsigned, bad-signature, ..., replayed)."""

_READ_BETWEEN_YIELDS = 32
"""Messages read ahead between two turns of the event loop (about half a millisecond: the
database's answers to the batch in hand are not kept waiting, and a turn per message is not paid)."""
_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")

WantedFn = Callable[[AsyncSession, list[Envelope]], Awaitable[set[UUID]]]
"""`async def f(session, envelopes) -> ids`: of a fetched batch's events (verified), the ids worth
handling; `session` has no transaction (autocommit: one statement, one round trip)."""

BeforeCommit = Callable[[AsyncSession, bool], Awaitable[None]]
"""Runs in the handling transaction, told whether the event was new (replays audit there)."""


@dataclass(frozen=True)
class Handler:
    fn: Callable[..., Awaitable[None]]
    batch: bool = False


@dataclass
class Handlers(Generic[S, R]):
    """A service's event handlers, typed by its settings and resources.

    `@handlers.on(SomeEvent)` on `async def f(session, event: SomeEvent, ctx)` handles one event at
    a time (`ctx` is the service's `EventContext`: settings, resources, clock, envelope).
    `@handlers.on_batch(SomeEvent)` on `async def f(session, items, ctx)` gets the new events of a
    fetched batch together (consecutive runs of that subject, in stream order), so a
    high-volume fact can be applied with one multi-row statement.
    """

    by_subject: dict[str, Handler] = field(default_factory=dict)
    wanted: WantedFn | None = None
    """Of a batch, the events worth handling (`wanting`); None: every one."""

    def wanting(self, fn: WantedFn) -> WantedFn:
        """`@handlers.wanting` on `async def f(session, envelopes) -> set of event ids`: asked once
        a batch, before the handling transaction, which events are worth handling; the others are
        acknowledged at once, without an inbox entry (so it may only pass over an event its
        handler would do nothing for). If it fails, every event is handled."""
        self.wanted = fn
        return fn

    def on(self, event_class: type[E]) -> Callable[[HandlerFn[E, S, R]], HandlerFn[E, S, R]]:
        def register(fn: HandlerFn[E, S, R]) -> HandlerFn[E, S, R]:
            self._add(event_class, Handler(fn))
            return fn

        return register

    def on_batch(self, event_class: type[E]) -> Callable[[BatchHandlerFn[E, S, R]], BatchHandlerFn[E, S, R]]:
        def register(fn: BatchHandlerFn[E, S, R]) -> BatchHandlerFn[E, S, R]:
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
    msg: Msg | None  # None for a replayed dead letter
    signed: dict[str, Any]  # the CloudEvent as it travelled: the message parsed as JSON
    envelope: Envelope
    event: Event
    headers: dict[str, str] | None
    digest: str | None = None
    """What it signed (`contracts.signing.Verified.digest`), once its signature is verified."""


def read(raw: bytes | bytearray | str) -> tuple[dict[str, Any], Envelope, Event]:
    """The message's JSON object (as signed, never re-serialised), its envelope and its event;
    `InvalidEnvelope` or `UnknownEvent` for a message that cannot be read."""
    try:
        signed = from_json(raw)  # pydantic's parser (jiter): a quarter of `json.loads`'s time on bytes
    except ValueError as exc:
        raise InvalidEnvelope(f"invalid envelope: not JSON ({exc})") from exc
    if not isinstance(signed, dict):
        raise InvalidEnvelope("invalid envelope: not a JSON object")
    try:
        # From the same bytes, by the same parser: the envelope is the object just read (a
        # repeated key is the last one in both), validated in JSON mode, twice as fast as a dict.
        envelope = Envelope.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidEnvelope.from_validation("invalid envelope", exc) from exc
    return signed, envelope, envelope.event()


class _Stopping(Exception):
    """The service is stopping while the consumer waits for its database."""


@dataclass(eq=False)
class _Ahead:
    """A batch fetched before its turn: its messages, what was read of them and how each was
    judged (by `id(msg)`), against which keys, and the heartbeat keeping it from redelivery."""

    msgs: list[Msg]
    read: dict[int, tuple[dict[str, Any], Envelope, Event]] = field(default_factory=dict)
    judged: dict[int, Verified | SignatureRejected] = field(default_factory=dict)
    ring: KeyRing | None = None
    progress: _Progress | None = None

    def start_beating(self, interval: float) -> None:
        self.progress = _Progress(self.msgs, interval)
        self.progress.start()

    async def stop_beating(self) -> None:
        if self.progress is not None:
            await self.progress.stop()
            self.progress = None


class _Progress:
    """While a batch is in hand, tell JetStream every `interval` seconds that its open messages
    are being worked on (each `in_progress` restarts their ack wait)."""

    def __init__(self, msgs: Sequence[Msg], interval: float) -> None:
        self.open = {id(msg): msg for msg in msgs}
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def settled(self, msg: Msg | None) -> None:
        self.open.pop(id(msg), None)

    def start(self) -> None:
        self._task = asyncio.create_task(self._beat(), name="consumer-progress")

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def __aenter__(self) -> _Progress:
        self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            for msg in list(self.open.values()):
                try:
                    await msg.in_progress()
                except Exception as exc:  # noqa: BLE001 - NATS away: the ack wait decides
                    log.debug("in_progress failed: %s", exc)


_INBOX_INSERT = """
INSERT INTO {table} (consumer, event_id, subject, signature)
SELECT :consumer, ids.event_id, ids.subject, ids.signature
FROM unnest(CAST(:ids AS uuid[]), CAST(:subjects AS text[]), CAST(:signatures AS text[]))
    AS ids(event_id, subject, signature)
ON CONFLICT DO NOTHING
RETURNING event_id
"""
_INBOX_SIGNATURES = """
SELECT event_id, signature FROM {table} WHERE consumer = :consumer AND event_id = ANY(CAST(:ids AS uuid[]))
"""


@dataclass
class _Outcome:
    """What came of handling a batch: how many events were new, and which were replays (an id
    already handled, signed otherwise): those are dead-lettered, not acknowledged."""

    fresh: int
    replayed: list[_Item]


def _runs(items: Sequence[_Item]) -> list[tuple[str, list[_Item]]]:
    """Consecutive items of the same subject, in order."""
    runs: list[tuple[str, list[_Item]]] = []
    for item in items:
        if runs and runs[-1][0] == item.envelope.type:
            runs[-1][1].append(item)
        else:
            runs.append((item.envelope.type, [item]))
    return runs


EAGER_AFTER_RECONNECT = 15.0
"""Seconds after the connection to NATS is made again during which a consumer's pull requests
wait at most a second: a server just restarted may take a request before it has loaded its
consumers, and drop it, and the next one is then not a whole `fetch_timeout` away."""


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
        handlers: Mapping[str, Handler | Callable[..., Awaitable[None]]],
        context: Context[Any, Any] | None = None,
        trust: TrustList | None = None,
        batch_size: int = 256,
        max_deliver: int = 5,
        backoff: Sequence[float] = (1.0, 5.0, 30.0, 120.0),
        fetch_timeout: float = 1.0,
        ack_wait: float = 15.0,
        database_wait_max: float = 5.0,
        reconnected: Callable[[], Awaitable[object]] | None = None,
        wanted: WantedFn | None = None,
    ) -> None:
        """`ack_wait`: seconds before JetStream redelivers a message nobody acknowledged nor
        reported progress on; `database_wait_max`: the longest pause between two checks of an
        unreachable database (or producers' keys out of reach). `trust`: the producers' keys every
        event is verified against before any handler runs (None: none is, as in kit's own tests
        and the benchmark's baseline). `fetch_timeout`: how long one pull request waits on the
        server for a message (one arriving is delivered at once, `kit.messaging.pull`); an idle
        consumer asks again this often. 5 s would take a third off the idle platform's CPU
        (76-88.5 against 53-57 ms/s at rest), but a request stays open on
        the server that long after the link to NATS breaks without the server noticing, and an
        event delivered to it then is lost with the link until `ack_wait` redelivers it: with
        notary's link to NATS cut for 6 s, the fault suite's flows were done 0.5-4.5 s after the
        link came back with 1 s requests, 4.3-8.9 s after with 5 s (bench/README, "The idle
        platform"); `reconnected`: returns when the connection to NATS is
        re-established (`Bus.reconnected`): a waiting pull request is lost with the server it was
        made on, so the fetch is made again at once rather than after `fetch_timeout`. `wanted`: which
        events of a batch are worth handling (`Handlers.wanting`)."""
        self.js = js
        self.sessions = sessions
        self.inbox = tables.inbox
        self.durable = durable
        self.stream = stream
        self.handlers = {k: h if isinstance(h, Handler) else Handler(h) for k, h in handlers.items()}
        self.context = context
        self.trust = trust
        self.batch_size = batch_size
        self.max_deliver = max_deliver
        self.backoff = tuple(backoff) or (1.0,)
        self.fetch_timeout = fetch_timeout
        self.reconnected = reconnected
        self.wanted = wanted
        self._eager_until = float("-inf")
        self.ack_wait = ack_wait
        self.database_wait_max = database_wait_max
        self.tracer = telemetry.tracer("kit.consumer")

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            filter_subjects=sorted(self.handlers),
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=-1,  # counted here, so the last failure reaches the dead-letter subject
            max_ack_pending=self.batch_size * 4,
        )

    async def ensure(self) -> None:
        """Create the durable consumer, or bring an existing one to this configuration (new
        handlers, a shorter ack wait): JetStream updates a durable created with another one."""
        await self.js.add_consumer(self.stream, config=self.config())

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and process batches until `stop`. Behind a backlog (a full batch), the next batch
        is fetched, read and judged (`_ahead`) while this one's transaction is in the database: the
        event loop would otherwise wait idle, and the next batch meets only its handlers."""
        await self.ensure()
        sub = Pull(self.js, self.stream, self.durable)
        await sub.start()
        ahead: asyncio.Task[_Ahead] | None = None
        try:
            while not stop.is_set():
                try:
                    if ahead is not None:
                        pending, ahead = ahead, None  # taken whatever it gives
                        batch = await pending
                    else:
                        got = await self._fetch_unless_interrupted(sub, stop)
                        if got is None:  # stopping, or the connection was made again: ask anew
                            continue
                        batch = _Ahead(got)
                except Exception as exc:  # noqa: BLE001 - NATS away: wait and fetch again
                    log.warning("fetch failed on %s: %s", self.durable, exc)
                    await asyncio.sleep(0.5)
                    continue
                if len(batch.msgs) >= self.batch_size:
                    ahead = asyncio.create_task(self._ahead(sub), name=f"consumer-ahead-{self.durable}")
                await batch.stop_beating()
                if not batch.msgs:  # none came within fetch_timeout
                    continue
                try:
                    await self.process(batch.msgs, stop, ahead=batch)
                except Exception:  # never let one batch stop the consumer
                    log.exception("batch on %s failed outside its handlers", self.durable)
                    await asyncio.sleep(0.5)
        finally:
            if ahead is not None:  # fetched and not handled: to another instance now
                ahead.cancel()
                fetched = await asyncio.gather(ahead, return_exceptions=True)
                if isinstance(fetched[0], _Ahead):
                    await fetched[0].stop_beating()
                    for msg in fetched[0].msgs:
                        await _settle(msg.nak())
            try:
                await sub.stop()
            except Exception:  # noqa: BLE001 - connection may be gone already
                pass

    async def _ahead(self, sub: Pull) -> _Ahead:
        """The next batch, fetched, read and judged while the current one is handled; its ack
        wait kept alive until it is handed over. What cannot be read or judged here is left to
        `process` (which reads and judges again what this did not)."""
        batch = _Ahead(await self._fetch_batch(sub))
        batch.start_beating(self.ack_wait / 3)
        for n, msg in enumerate(batch.msgs, 1):
            try:
                batch.read[id(msg)] = read(msg.data)
            except (InvalidEnvelope, UnknownEvent):
                continue
            if n % _READ_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)  # let the current batch's answers in between
        if self.trust is not None:
            readable = [msg for msg in batch.msgs if id(msg) in batch.read]
            try:
                judged = await self.trust.verify_all([batch.read[id(msg)][0] for msg in readable])
            except KeysUnavailable:
                return batch  # judged in `process`, which knows how to wait
            batch.ring = self.trust.ring
            batch.judged = {id(msg): judgement for msg, judgement in zip(readable, judged, strict=True)}
        return batch

    async def _fetch_unless_interrupted(self, sub: Pull, stop: asyncio.Event) -> list[Msg] | None:
        """`_fetch_batch`, given up (None) when `stop` is set or the connection to NATS is made
        again while it waits, so neither a stopping service nor one whose server restarted waits
        out `fetch_timeout`. A message the abandoned fetch had taken is redelivered after
        `ack_wait` (never acknowledged); one still queued on the subscription the next fetch takes."""
        fetching = asyncio.ensure_future(self._fetch_batch(sub))
        others: list[asyncio.Future[Any]] = [asyncio.ensure_future(stop.wait())]
        if self.reconnected is not None:
            others.append(asyncio.ensure_future(self.reconnected()))
        try:
            await asyncio.wait([fetching, *others], return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            fetching.cancel()
            raise
        finally:
            for other in others:
                other.cancel()
        if fetching.done():
            return fetching.result()
        if not stop.is_set():  # reconnected: a restarted server may not have its consumers back yet
            self._eager_until = asyncio.get_running_loop().time() + EAGER_AFTER_RECONNECT
        fetching.cancel()
        await asyncio.gather(fetching, return_exceptions=True)
        return None

    async def _fetch_batch(self, sub: Pull) -> list[Msg]:
        """Up to `batch_size` messages: wait for the first, then keep filling the batch while the
        server says more are pending (a backlog is handled in full batches; a lone event at once)."""
        eager = asyncio.get_running_loop().time() < self._eager_until
        timeout = min(self.fetch_timeout, 1.0) if eager else self.fetch_timeout
        msgs = await sub.fetch(self.batch_size, timeout=timeout)
        while msgs and len(msgs) < self.batch_size and msgs[-1].metadata.num_pending > 0:
            more = await sub.fetch(self.batch_size - len(msgs), timeout=0.05)
            if not more:
                break
            msgs += more
        return msgs

    async def process(
        self, msgs: Sequence[Msg], stop: asyncio.Event | None = None, *, ahead: _Ahead | None = None
    ) -> None:
        """Handle one batch. `ahead`: what `_ahead` already read and judged of it."""
        stop = stop or asyncio.Event()
        async with _Progress(msgs, self.ack_wait / 3) as progress:
            try:
                await self._process(msgs, stop, progress, ahead or _Ahead(list(msgs)))
            except _Stopping:
                for msg in list(progress.open.values()):  # to another instance now, not after ack_wait
                    await _settle(msg.nak())
                log.info("stopped while waiting; %d messages handed back", len(progress.open))

    async def _process(self, msgs: Sequence[Msg], stop: asyncio.Event, progress: _Progress, ahead: _Ahead) -> None:
        items: list[_Item] = []
        over: list[Msg] = []
        arrived = time.monotonic()
        for msg in msgs:
            try:
                signed, envelope, event = ahead.read.get(id(msg)) or read(msg.data)
            except (InvalidEnvelope, UnknownEvent) as exc:
                await self._dead_letter(msg, f"unreadable event: {exc}", kind="unreadable")
                progress.settled(msg)
                continue
            if _deliveries(msg) > self.max_deliver:
                over.append(msg)
                continue
            items.append(_Item(msg, signed, envelope, event, msg.headers))
        if over:  # delivered that often without an outcome (e.g. it crashed the process each time)
            if not await self._database_reachable():  # ... or only while the database was away
                await self._wait_for_database(stop)
            for msg in over:
                reason = f"delivered {msg.metadata.num_delivered} times without an outcome"
                await self._dead_letter(msg, reason, kind="no_outcome")
                progress.settled(msg)
        if self.trust is not None:
            items = await self._verified(items, arrived, stop, progress, ahead)
        if self.wanted is not None and items:
            items = await self._worth_handling(items, progress)
        if not items:
            return
        outcome = await self._attempt(items, stop)
        if not isinstance(outcome, Exception):
            await self._ack(items, progress, outcome)
            return
        if len(items) == 1:
            await self._failed(items[0], outcome)
            progress.settled(items[0].msg)
            return
        for item in items:  # isolate the bad message
            one = await self._attempt([item], stop)
            if not isinstance(one, Exception):
                await self._ack([item], progress, one)
            else:
                await self._failed(item, one)
                progress.settled(item.msg)

    async def _verified(
        self, items: list[_Item], arrived: float, stop: asyncio.Event, progress: _Progress, ahead: _Ahead
    ) -> list[_Item]:
        """The items whose signature verifies; the others are dead-lettered with the reason. While
        a producer's keys are out of reach and an event names a key not known yet, wait (the
        batch stays in hand, no delivery is spent): that is not the event's fault. A judgement
        made ahead stands only against the very keys held now (a refetch since: judged again)."""
        assert self.trust is not None
        delay = 0.2
        while True:
            try:
                if ahead.ring is self.trust.ring and all(id(item.msg) in ahead.judged for item in items):
                    judged = [ahead.judged[id(item.msg)] for item in items]
                    if time.monotonic() - self.trust.fetched_at <= self.trust.max_age_seconds:
                        break
                judged = await self.trust.verify_all([item.signed for item in items], seen_at=arrived)
                break
            except KeysUnavailable as exc:
                log.warning("%s: %s; holding the batch and trying again in %.1fs", self.durable, exc, delay)
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except TimeoutError:
                    pass
                if stop.is_set():
                    raise _Stopping from exc
                delay = min(delay * 2, self.database_wait_max)
                arrived = time.monotonic()  # look for the keys again
        verified: list[_Item] = []
        for item, judgement in zip(items, judged, strict=True):
            if isinstance(judgement, SignatureRejected):
                assert item.msg is not None
                await self._refuse(item.msg, judgement)
                progress.settled(item.msg)
            else:
                item.digest = judgement.digest
                verified.append(item)
        return verified

    async def _worth_handling(self, items: list[_Item], progress: _Progress) -> list[_Item]:
        """The items `wanted` names; the others are acknowledged now (no transaction, no inbox).
        If it cannot tell (its database unreachable, a bug), every item is handled as usual."""
        assert self.wanted is not None
        try:
            async with self.sessions(**self._without_transactions) as session:  # connects if it asks
                wanted = await self.wanted(session, [item.envelope for item in items])
        except Exception:  # the handlers decide then, in their transaction
            log.warning("%s: could not tell which events are wanted; handling them all", self.durable, exc_info=True)
            return items
        kept: list[_Item] = []
        for item in items:
            if item.envelope.id in wanted:
                kept.append(item)
                continue
            assert item.msg is not None
            await _settle(item.msg.ack())
            progress.settled(item.msg)
        if passed := len(items) - len(kept):
            metrics.EVENTS_PASSED_OVER.labels(consumer=self.durable).inc(passed)
        return kept

    @cached_property
    def _without_transactions(self) -> dict[str, AsyncEngine]:
        """The sessions' engine without transactions (the same pool), for `wanted`'s statement;
        worked out when first asked (a consumer built only for its `config()` has no sessions)."""
        engine = self.sessions.kw.get("bind")
        return {} if engine is None else {"bind": engine.execution_options(isolation_level="AUTOCOMMIT")}

    async def _refuse(self, msg: Msg, exc: SignatureRejected) -> None:
        metrics.EVENTS_REJECTED.labels(service=self.durable, reason=exc.reason).inc()
        await self._dead_letter(msg, f"{exc.reason}: {exc.detail}", kind="refused", refusal=exc.reason)

    async def _attempt(self, items: Sequence[_Item], stop: asyncio.Event) -> _Outcome | Exception:
        """Handle `items` in one transaction; the handlers' exception, or what came of it. While
        the database is unreachable, wait for it and try again: that is not the events' fault."""
        while True:
            try:
                return await self._handle(items)
            except Exception as exc:  # noqa: BLE001 - judged below
                if not unreachable(exc) or await self._database_reachable():
                    return exc
            await self._wait_for_database(stop)

    async def _ack(self, items: Sequence[_Item], progress: _Progress, outcome: _Outcome) -> None:
        replayed = {id(item) for item in outcome.replayed}
        for item in items:
            assert item.msg is not None
            if id(item) in replayed:
                stored = "an event of that id was handled with another signature"
                await self._refuse(item.msg, SignatureRejected(REPLAYED, stored))
            else:
                await _settle(item.msg.ack())  # a lost ack means a redelivery, which the inbox drops
            progress.settled(item.msg)

    async def _database_reachable(self) -> bool:
        try:
            async with asyncio.timeout(5.0), self.sessions() as session:
                await session.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure: not reachable now
            return False

    async def _wait_for_database(self, stop: asyncio.Event) -> None:
        """Return once the database answers; raise `_Stopping` if the service stops first."""
        log.warning("%s: database unreachable; holding the batch and fetching nothing until it is back", self.durable)
        paused = metrics.CONSUMER_PAUSED.labels(consumer=self.durable)
        paused.set(1)
        delay = 0.2
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except TimeoutError:
                    pass
                if not stop.is_set() and await self._database_reachable():
                    log.info("%s: database reachable again; resuming", self.durable)
                    return
                delay = min(delay * 2, self.database_wait_max)
            raise _Stopping
        finally:
            paused.set(0)

    async def _handle(
        self, items: Sequence[_Item], before_commit: BeforeCommit | None = None, *, refuse_replays: bool = False
    ) -> _Outcome:
        """Handle `items` in one transaction: the new ones (not already in the inbox) and the
        replays found (an id already handled whose signature differs: nothing is done for them;
        `refuse_replays` raises `SignatureRejected` instead, rolling back)."""
        async with transaction(self.sessions) as session:
            inserted = await session.execute(
                text(_INBOX_INSERT.format(table=qualified(self.inbox))),
                {
                    "consumer": self.durable,
                    "ids": [i.envelope.id for i in items],
                    "subjects": [i.envelope.type for i in items],
                    "signatures": [_signature(i) for i in items],
                },
            )
            new = set(inserted.scalars())
            fresh: list[_Item] = []
            seen: list[_Item] = []
            signatures: dict[UUID, str | None] = {}
            for item in items:
                if item.envelope.id in new:
                    new.discard(item.envelope.id)  # a duplicate inside the same batch is not fresh
                    fresh.append(item)
                    signatures[item.envelope.id] = _signature(item)
                else:
                    seen.append(item)
            replayed = await self._replays(session, seen, signatures)
            if replayed and refuse_replays:
                raise SignatureRejected(REPLAYED, "an event of that id was handled with another signature")
            for item in seen:
                if all(item is not r for r in replayed):
                    metrics.EVENTS_DUPLICATE.labels(consumer=self.durable).inc()
            for subject, run in _runs(fresh):
                handler = self.handlers[subject]
                if handler.batch:
                    with self._span(subject, run):
                        batch = [(i.event, i.envelope) for i in run]
                        await handler.fn(session, batch, self._batch_context(run))
                else:
                    for item in run:
                        with self._span(subject, [item]):
                            await handler.fn(session, item.event, self._event_context(item))
            if before_commit is not None:
                await before_commit(session, bool(fresh))
        metrics.EVENTS_CONSUMED.labels(consumer=self.durable).inc(len(items) - len(replayed))
        return _Outcome(len(fresh), replayed)

    async def _replays(
        self, session: AsyncSession, seen: Sequence[_Item], signatures: dict[UUID, str | None]
    ) -> list[_Item]:
        """Of the items whose id the inbox had, those signed otherwise than the event handled
        (an identical redelivery is a harmless duplicate; an entry from before signatures were
        kept judges nothing)."""
        if not seen:
            return []
        missing = [i.envelope.id for i in seen if i.envelope.id not in signatures]
        if missing:
            rows = await session.execute(
                text(_INBOX_SIGNATURES.format(table=qualified(self.inbox))),
                {"consumer": self.durable, "ids": missing},
            )
            signatures.update({row.event_id: row.signature for row in rows})
        return [
            item
            for item in seen
            if (stored := signatures.get(item.envelope.id)) is not None and stored != _signature(item)
        ]

    async def replay(self, raw: bytes, headers: dict[str, str] | None, before_commit: BeforeCommit) -> bool:
        """Handle a dead-lettered event again, as if delivered now: through the inbox (an
        event already applied is not applied twice). True if it was new. Raises what the
        handler raises (nothing is committed then), or `InvalidEnvelope`/`UnknownEvent`/
        `KeyError` for an event this consumer cannot read or does not handle, or
        `SignatureRejected`/`KeysUnavailable` for one it may not act on (or not yet)."""
        signed, envelope, event = read(raw)
        if envelope.type not in self.handlers:
            raise KeyError(envelope.type)
        digest = None if self.trust is None else (await self.trust.verify(signed)).digest
        item = _Item(None, signed, envelope, event, headers, digest)
        return (await self._handle([item], before_commit, refuse_replays=True)).fresh > 0

    def _event_context(self, item: _Item) -> EventContext[Any, Any] | Envelope:
        """The handler's third argument: the service's context with this envelope and its signed
        CloudEvent (a bare consumer, as kit's own tests build, passes the envelope)."""
        return item.envelope if self.context is None else self.context.for_event(item.envelope, item.signed)

    def _batch_context(self, run: Sequence[_Item]) -> BatchContext[Any, Any] | None:
        if self.context is None:
            return None
        return self.context.for_batch({item.envelope.id: item.signed for item in run})

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
            parent = telemetry.extract_context(run[0].headers)
            return self.tracer.start_as_current_span(
                f"process {subject}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
            )
        links = []
        for item in run if telemetry.enabled() else ():
            span_context = get_current_span(telemetry.extract_context(item.headers)).get_span_context()
            if span_context.is_valid:
                links.append(Link(span_context))
        return self.tracer.start_as_current_span(
            f"process {subject}", kind=SpanKind.CONSUMER, attributes=attributes, links=links
        )

    async def _failed(self, item: _Item, exc: BaseException) -> None:
        assert item.msg is not None
        delivered = item.msg.metadata.num_delivered
        metrics.HANDLER_FAILURES.labels(consumer=self.durable).inc()
        if delivered >= self.max_deliver:
            await self._dead_letter(item.msg, f"{type(exc).__name__}: {exc}", kind="failed")
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
        await _settle(item.msg.nak(delay=delay))

    async def _dead_letter(self, msg: Msg, reason: str, *, kind: str, refusal: str | None = None) -> None:
        clean = " ".join(reason.split())[:1000]
        header_safe = quote(clean, safe=_PRINTABLE)  # NATS headers are ASCII; reasons quote Arabic
        headers = {k: v for k, v in (msg.headers or {}).items() if k != "Nats-Msg-Id"}
        headers.update(
            {
                DEAD_REASON: header_safe,
                DEAD_KIND: kind,
                DEAD_CONSUMER: self.durable,
                DEAD_DELIVERIES: str(msg.metadata.num_delivered),
                # one service's consumers share the durable name, one per stream: the stream too
                "Nats-Msg-Id": f"{self.durable}:{msg.metadata.stream}:{msg.metadata.sequence.stream}",
            }
        )
        if refusal is not None:
            headers[DEAD_REFUSAL] = refusal
        try:
            await self.js.publish(f"deadletter.{self.durable}.{msg.subject}", msg.data, headers=headers)
        except Exception as exc:  # noqa: BLE001 - keep the message; try again later
            log.error("could not dead-letter %s: %s", msg.subject, exc)
            await _settle(msg.nak(delay=self.backoff[-1]))
            return
        log.error("dead-lettered %s from %s: %s", msg.subject, self.durable, clean)
        metrics.EVENTS_DEAD_LETTERED.labels(consumer=self.durable, reason=kind).inc()
        await _settle(msg.term())


def _deliveries(msg: Msg) -> int:
    """`msg.metadata.num_delivered`, read off the reply subject's token without building the
    whole metadata (two dataclasses and a datetime a message); both forms of NATS ADR-15's
    `$JS.ACK` subject: 9 tokens, or 12 and more with domain and account hash."""
    tokens = (msg.reply or "").split(".")
    if tokens[:2] == ["$JS", "ACK"]:
        if len(tokens) == 9:
            return int(tokens[4])
        if len(tokens) >= 12:
            return int(tokens[Msg.Ack.NumDelivered])
    return msg.metadata.num_delivered


def _signature(item: _Item) -> str | None:
    """What the inbox keeps of an event's signature to tell a replay from a duplicate: the digest
    of what it signed (`contracts.signing.content_digest`; a lone event's signature)."""
    return item.digest if item.digest is not None else content_digest(item.signed)


async def _settle(call: Awaitable[None]) -> None:
    """Acknowledge, nak or terminate; if NATS is away the message simply comes again later."""
    try:
        await call
    except Exception as exc:  # noqa: BLE001
        log.warning("could not settle a message: %s", exc)
