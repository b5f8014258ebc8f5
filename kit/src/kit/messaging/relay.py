"""The outbox relay: publishes committed events to JetStream, in order, at least once.

One relay per service is active at a time (a PostgreSQL advisory lock elects it), so
events leave in the order they were recorded. Each batch is published with
asynchronous acknowledgements (a window of in-flight publishes, not one round trip per
event); only the acknowledged prefix is marked published. An event published but not
marked (the relay died in between) is published again with the same `Nats-Msg-Id`,
which JetStream drops within its duplicate window and consumers' inboxes drop after.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from nats.js import JetStreamContext
from nats.js.api import PubAck
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pydantic_core import from_json
from sqlalchemy import BigInteger, any_, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from contracts.envelope import CONTENT_TYPE
from kit import metrics, telemetry
from kit.messaging.bus import RETENTION_SECONDS
from kit.messaging.outbox import OutboxBinding
from kit.messaging.tables import qualified
from kit.messaging.trust import LEAF_HEADER, EventSigner, development_key

log = logging.getLogger("kit.relay")

INBOX_RETENTION = timedelta(seconds=RETENTION_SECONDS) + timedelta(days=1)
"""Past the stream's retention no copy of an event is left to deliver again."""


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        js: JetStreamContext,
        binding: OutboxBinding,
        batch_size: int = 1000,
        idle_seconds: float = 0.5,
        ack_timeout: float = 10.0,
        keep_published: timedelta = timedelta(days=7),
        keep_handled: timedelta = INBOX_RETENTION,
        observe_seconds: float = 15.0,
        signer: EventSigner | None = None,
    ) -> None:
        """`signer`: signs the service's own events as they are published, a batch at a time (with
        the leaves `record` prepared; rows set-based SQL wrote are read for theirs), with the
        service's configured keys, by default its development key. Only the benchmark's baseline
        sets `relay.signer = None` afterwards, to publish the payloads as recorded."""
        self.engine = engine
        self.sessions = sessions
        self.js = js
        self.binding = binding
        self.outbox = binding.tables.outbox
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.ack_timeout = ack_timeout
        self.keep_published = keep_published
        self.keep_handled = keep_handled
        schema = self.outbox.schema or "public"
        self.lock_key = zlib.crc32(f"shubbak.outbox.{schema}".encode())
        self._pending_sql = (
            f"SELECT seq, id::text AS id, subject, payload, headers::text AS headers FROM {qualified(self.outbox)}"
            " WHERE published_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2"
        )
        self.tracer = telemetry.tracer("kit.relay")
        self.observe_seconds = observe_seconds
        self.signer: EventSigner | None = signer or EventSigner([development_key(binding.source)])
        self._observed_at = float("-inf")
        self.after_publish: Callable[[list[int]], Awaitable[None]] | None = None
        """Test hook: runs after a batch is acknowledged and before it is marked published."""

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; wait as standby while another relay holds the lock."""
        failures = 0
        while not stop.is_set():
            try:
                async with self.engine.connect() as lock_conn:
                    got = (
                        await lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.lock_key})
                    ).scalar()
                    await lock_conn.commit()
                    if not got:
                        await self._observe_when_due()  # a standby reports too: the leader may be stuck
                        await _sleep_or_stop(stop, 2.0)
                        continue
                    log.info("outbox relay active for %s", self.outbox.schema)
                    try:
                        await self._relay_while_leader(stop, lock_conn)
                    finally:
                        await _unlock(lock_conn, self.lock_key)
                    failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the relay must outlive any outage
                failures += 1
                delay = min(0.2 * 2**failures, 5.0)
                log.warning("outbox relay error (%s); retrying in %.1fs", exc, delay)
                await _sleep_or_stop(stop, delay)

    async def _relay_while_leader(self, stop: asyncio.Event, lock_conn: AsyncConnection) -> None:
        last_cleanup = last_ping = datetime.now(UTC)
        while not stop.is_set():
            if datetime.now(UTC) - last_ping > timedelta(seconds=5):
                await lock_conn.execute(text("SELECT 1"))  # lost connection = lost lock: re-elect
                await lock_conn.commit()
                last_ping = datetime.now(UTC)
            self.binding.wakeup.clear()
            await self._observe_when_due()
            sent = await self.drain(stop, seconds=5.0)
            if sent >= self.batch_size:  # there may be more: the lock is checked, then on
                continue
            if datetime.now(UTC) - last_cleanup > timedelta(minutes=10):
                await self.cleanup()
                last_cleanup = datetime.now(UTC)
            waiter = asyncio.ensure_future(self.binding.wakeup.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=self.idle_seconds, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()

    async def relay_once(self) -> int:
        """Publish one batch of pending events; return how many were published."""
        rows = await self._pending_rows()
        if not rows:
            return 0
        acked = await self._settle(rows, await self._send(rows))
        await self._mark(acked, len(rows))
        return len(acked)

    async def drain(self, stop: asyncio.Event | None = None, *, seconds: float | None = None) -> int:
        """Publish batch after batch until none is left (or `stop` is set, or `seconds` have
        passed); return how many were published. Pipelined: the next batch is read while this
        one's acknowledgements come in, and this one is marked published while the next is
        published, so neither the read nor the marking's commit (an fsync) holds the publishing
        up. The next read starts after this batch (the rows in flight or being marked come before
        it); an event committed meanwhile with an earlier `seq` (its transaction was slower) is
        left to the next pass, as it would have reached the stream out of order anyway. A failure
        marks what was acknowledged, then raises."""
        total = 0
        loop = asyncio.get_running_loop()
        until = None if seconds is None else loop.time() + seconds
        marking: asyncio.Task[None] | None = None
        rows = await self._pending_rows()
        try:
            while rows:
                futures = await self._send(rows)
                following: asyncio.Task[list[_Pending]] | None = None
                more = len(rows) >= self.batch_size and not (stop is not None and stop.is_set())
                if more and (until is None or loop.time() < until):
                    following = asyncio.create_task(self._pending_rows(after=rows[-1].seq))
                try:
                    acked = await self._settle(rows, futures)
                except BaseException:
                    if following is not None:
                        following.cancel()
                        await asyncio.gather(following, return_exceptions=True)
                    raise
                finally:
                    if marking is not None:  # one marking at a time: the one before has finished
                        await marking
                        marking = None
                marking = asyncio.create_task(self._mark(acked, len(rows)))
                total += len(acked)
                rows = await following if following is not None else []
        finally:
            if marking is not None:
                await marking
        return total

    async def _pending_rows(self, after: int | None = None) -> list[_Pending]:
        """The next batch of unpublished events in order (with a `seq` above `after`: the rows before
        it are published, not marked yet). One bound, not the list of rows to leave out: `seq <> ALL`
        of a parameter array compares each row with every element (40 ms a read of 1,000 rows
        behind 2,000 held, against 2 ms; the database's CPU is the one NATS needs). Read with the
        driver itself: the id as the Nats-Msg-Id text, the headers as JSON text read by pydantic's
        parser."""
        async with self.engine.connect() as conn:
            driver: Any = (await conn.get_raw_connection()).driver_connection
            records = await driver.fetch(self._pending_sql, -1 if after is None else after, self.batch_size)
        rows = [_Pending(r["seq"], r["id"], r["subject"], r["payload"], from_json(r["headers"])) for r in records]
        if not rows and after is None:
            metrics.OUTBOX_PENDING.labels(service=self.binding.source).set(0)
        return rows

    async def _send(self, rows: Sequence[_Pending]) -> _Sent:
        """Publish `rows` in order (asynchronous acknowledgements); their futures and send spans."""
        futures: list[asyncio.Future[PubAck]] = []
        spans = self._send_spans(rows)
        try:
            async for payloads in self._payloads(rows):
                for payload in payloads:
                    row, span = rows[len(futures)], spans[len(futures)]
                    headers = {**row.headers, "Nats-Msg-Id": row.id, "Content-Type": CONTENT_TYPE}
                    headers.pop(LEAF_HEADER, None)  # the relay's own, never published
                    if span is not None:  # the consumer's span is the child of this one
                        headers.update(telemetry.inject_headers(trace.set_span_in_context(span)))
                    futures.append(await self.js.publish_async(row.subject, payload, headers=headers))
        except BaseException as exc:  # the connection went away mid-batch: no span is left open
            for future in futures:  # nobody waits for these: the next pass publishes the batch again
                future.cancel()
            _end_spans(spans, [*futures, *(None for _ in spans[len(futures) :])], exc)
            raise
        return _Sent(futures, spans)

    async def _settle(self, rows: Sequence[_Pending], sent: _Sent) -> list[int]:
        """The seqs of the acknowledged prefix of `rows`. If a publish failed or went unanswered,
        that prefix is marked published first, then the failure is raised."""
        futures = sent.futures
        loop = asyncio.get_running_loop()
        until = loop.time() + self.ack_timeout
        for future in futures:  # in order: most are answered by the time the batch is sent
            if not future.done() and (left := until - loop.time()) > 0:
                await asyncio.wait([future], timeout=left)
            if not future.done():
                future.cancel()
        acked: list[int] = []
        error: BaseException | None = None
        for row, future in zip(rows, futures, strict=True):
            if future.cancelled():
                error = TimeoutError(f"no acknowledgement within {self.ack_timeout}s")
                break
            if future.exception() is not None:
                error = future.exception()
                break
            acked.append(row.seq)
        _end_spans(sent.spans, futures, error)
        if error is not None:
            await self._mark(acked, len(rows))
            raise RuntimeError(f"publish failed after {len(acked)} of {len(rows)}: {error!r}") from error
        return acked

    async def _mark(self, acked: list[int], read: int) -> None:
        """Mark `acked` published (of a batch of `read` rows) and count them."""
        o = self.outbox
        if acked:
            if self.after_publish is not None:
                await self.after_publish(acked)
            seqs = bindparam("seqs", acked, type_=ARRAY(BigInteger))
            async with self.sessions() as session, session.begin():
                await session.execute(update(o).where(o.c.seq == any_(seqs)).values(published_at=datetime.now(UTC)))
            metrics.EVENTS_PUBLISHED.labels(service=self.binding.source).inc(len(acked))
        gauge = metrics.OUTBOX_PENDING.labels(service=self.binding.source)
        gauge.set(read - len(acked) if read < self.batch_size else await self.pending())

    async def _payloads(self, rows: Sequence[_Pending]) -> AsyncIterator[list[bytes]]:
        """The rows' payloads as published, a batch signature's worth at a time (`EventSigner`)."""
        payloads: list[bytes] = [row.payload for row in rows]
        if self.signer is None:
            yield payloads
            return
        for batch in self.signer.signed_batches(payloads, [row.headers.get(LEAF_HEADER) for row in rows]):
            yield batch
            await asyncio.sleep(0)  # acknowledgements of the batches sent come in between

    def _send_spans(self, rows: Sequence[_Pending]) -> list[Span | None]:
        """A producer span per event (`send <subject>`, OpenTelemetry's messaging conventions), the
        child of the request that recorded it (its context rode in the outbox row's headers)."""
        if not telemetry.enabled():
            return [None] * len(rows)
        return [
            self.tracer.start_span(
                f"send {row.subject}",
                context=telemetry.extract_context(row.headers),
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "nats",
                    "messaging.operation.type": "send",
                    "messaging.operation.name": "send",
                    "messaging.destination.name": row.subject,
                    "messaging.message.id": row.id,
                    "messaging.message.body.size": len(row.payload),
                },
            )
            for row in rows
        ]

    async def observe(self) -> tuple[int, float]:
        """The backlog as the metrics show it: events not yet published, and the oldest one's age
        in seconds (by the database's clock). Returns (count, age)."""
        o = self.outbox
        async with self.sessions() as session:
            count, age = (
                await session.execute(
                    select(func.count(), func.extract("epoch", func.now() - func.min(o.c.created_at))).where(
                        o.c.published_at.is_(None)
                    )
                )
            ).one()
        service = self.binding.source
        metrics.OUTBOX_PENDING.labels(service=service).set(count)
        metrics.OUTBOX_OLDEST_AGE.labels(service=service).set(max(0.0, float(age or 0)))
        return int(count), float(age or 0)

    async def _observe_when_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._observed_at < self.observe_seconds:
            return
        self._observed_at = now
        try:
            await self.observe()
        except Exception as exc:  # noqa: BLE001 - a metric must never stop the relay
            log.debug("outbox backlog not measured: %s", exc)

    async def pending(self) -> int:
        async with self.sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(self.outbox).where(self.outbox.c.published_at.is_(None))
            )
        return int(count or 0)

    async def cleanup(self, now: datetime | None = None) -> tuple[int, int]:
        """Forget published events older than `keep_published` (JetStream keeps the stream) and
        inbox entries older than `keep_handled`. The inbox must remember an event as long as it
        can come again: a new or reset consumer replays the stream from its start, so entries
        are kept for the stream's retention and a day more. Returns (outbox, inbox) rows removed."""
        now = now or datetime.now(UTC)
        inbox = self.binding.tables.inbox
        async with self.sessions() as session, session.begin():
            sent = await session.execute(
                delete(self.outbox).where(
                    self.outbox.c.published_at.is_not(None), self.outbox.c.published_at < now - self.keep_published
                )
            )
            handled = await session.execute(delete(inbox).where(inbox.c.handled_at < now - self.keep_handled))
        return sent.rowcount, handled.rowcount  # type: ignore[attr-defined]


class _Pending(NamedTuple):
    """An outbox row to publish."""

    seq: int
    id: str
    subject: str
    payload: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class _Sent:
    """A batch handed to JetStream: each event's acknowledgement to come, and its send span."""

    futures: list[asyncio.Future[PubAck]]
    spans: list[Span | None]


def _end_spans(
    spans: list[Span | None], futures: Sequence[asyncio.Future[Any] | None], error: BaseException | None
) -> None:
    """End each send span: acknowledged by JetStream, or failed with what the publish got (a
    publish never sent or never acknowledged fails with the batch's `error`)."""
    for span, future in zip(spans, futures, strict=True):
        if span is None:
            continue
        failure = error if future is None or not future.done() or future.cancelled() else future.exception()
        if failure is None and future is not None:
            span.set_attribute("messaging.nats.stream.sequence", getattr(future.result(), "seq", 0) or 0)
        else:
            span.set_status(Status(StatusCode.ERROR, type(failure).__name__))
            span.set_attribute("error.type", type(failure).__name__)
        span.end()


async def _unlock(conn: AsyncConnection, key: int) -> None:
    try:
        await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        await conn.commit()
    except Exception:  # noqa: BLE001 - a dead connection has released the lock already
        await conn.invalidate()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
