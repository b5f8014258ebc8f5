"""The data the cases share: a small service schema and realistic `civil.address.changed.v1` events."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from nats.js import JetStreamContext
from sqlalchemy import Column, Integer, MetaData, Table, Text, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

import kit.db as db
from contracts import Envelope
from contracts.events.civil import AddressChanged
from contracts.streams import Stream, stream_for
from kit.messaging.tables import MessagingTables, messaging_tables
from kit.messaging.trust import LEAF_HEADER, EventSigner

SUBJECT = AddressChanged.subject
STREAM: Stream = stream_for(SUBJECT)
SOURCE = "bench-svc"
TRACE_HEADERS = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
"""A realistic header set: the outbox stores the request's trace context with every event."""


@dataclass(frozen=True)
class Message:
    id: UUID
    national_id: str
    payload: bytes
    leaf: str | None = None
    """`kit.messaging.trust.LEAF_HEADER` of the outbox row, as `record` prepares it."""

    def headers(self) -> dict[str, str]:
        return {**TRACE_HEADERS, "Nats-Msg-Id": str(self.id)}

    def outbox_headers(self) -> dict[str, str]:
        """The outbox row's headers as `record` writes them."""
        return TRACE_HEADERS if self.leaf is None else {**TRACE_HEADERS, LEAF_HEADER: self.leaf}


def messages(n: int) -> list[Message]:
    """`n` distinct address changes, wrapped in envelopes the way `kit.messaging.record` does."""
    now = datetime.now(UTC)
    out = []
    for i in range(n):
        nid = f"29001{i % 1_000_000_000:09d}"
        event = AddressChanged(
            national_id=nid,
            governorate="03",
            district_ar="حي الشرق",
            address_ar=f"شارع النيل، عمارة {i}",
            changed_at=now,
        )
        envelope = Envelope.wrap(event, source=SOURCE, traceparent=TRACE_HEADERS["traceparent"])
        out.append(Message(envelope.id, nid, envelope.to_bytes()))
    return out


def recorded(msgs: list[Message], signer: EventSigner) -> list[Message]:
    """The same messages as `kit.messaging.record` writes them to a signing service's outbox: each
    with its leaf, for the relay's batch signature."""
    return [Message(m.id, m.national_id, m.payload, signer.leaf(m.payload)) for m in msgs]


def signed(msgs: list[Message], signer: EventSigner) -> list[Message]:
    """The same messages as the relay of a service signing with `signer` publishes them: signed a
    batch at a time (`EventSigner.signed_batches`)."""
    payloads = [
        payload
        for batch in signer.signed_batches([m.payload for m in msgs], [m.leaf for m in msgs])
        for payload in batch
    ]
    return [Message(m.id, m.national_id, payload) for m, payload in zip(msgs, payloads, strict=True)]


@dataclass(frozen=True)
class Schema:
    metadata: MetaData
    tables: MessagingTables
    effects: Table


def service_schema(name: str = "bench") -> Schema:
    metadata = db.metadata(name)
    effects = Table(
        "effects",
        metadata,
        Column("key", Text, primary_key=True),
        Column("count", Integer, nullable=False),
        Column("last", Text),
    )
    return Schema(metadata, messaging_tables(metadata), effects)


async def create_schema(url: str, schema: Schema) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema.metadata.schema}"'))
        await conn.run_sync(schema.metadata.create_all)
    await engine.dispose()


async def bump(session: AsyncSession, effects: Table, key: str, last: str) -> None:
    """A handler's small effect: one UPSERT."""
    stmt = pg_insert(effects).values(key=key, count=1, last=last)
    stmt = stmt.on_conflict_do_update(index_elements=[effects.c.key], set_={"count": effects.c.count + 1, "last": last})
    await session.execute(stmt)


async def bump_many(session: AsyncSession, effects: Table, rows: list[tuple[str, str]]) -> None:
    """A batch handler's effect: one UPSERT for the whole batch, as a high-volume handler
    should write it (arrays + unnest: one cached statement whatever the batch size)."""
    merged: dict[str, tuple[int, str]] = {}
    for key, last in rows:
        count, _ = merged.get(key, (0, last))
        merged[key] = (count + 1, last)
    table = f'"{effects.schema}"."{effects.name}"'
    await session.execute(
        text(
            f"INSERT INTO {table} (key, count, last) "
            "SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:counts AS int[]), CAST(:lasts AS text[])) "
            f"ON CONFLICT (key) DO UPDATE SET count = {effects.name}.count + excluded.count, last = excluded.last"
        ),
        {"keys": list(merged), "counts": [c for c, _ in merged.values()], "lasts": [v for _, v in merged.values()]},
    )


async def publish_all_async(js: JetStreamContext, msgs: list[Message]) -> float:
    """Publish with `publish_async`, then await every ack; seconds taken."""
    start = time.perf_counter()
    futures = [await js.publish_async(SUBJECT, m.payload, headers=m.headers()) for m in msgs]
    await asyncio.gather(*futures)
    return time.perf_counter() - start


async def publish_one_by_one(js: JetStreamContext, msgs: list[Message]) -> float:
    """Publish awaiting each ack before the next; seconds taken."""
    start = time.perf_counter()
    for m in msgs:
        await js.publish(SUBJECT, m.payload, headers=m.headers())
    return time.perf_counter() - start


def expect(got: int, want: int, what: str) -> None:
    """A sanity check on a measurement's outcome (not a timing assertion)."""
    if got != want:
        raise RuntimeError(f"{what}: got {got}, expected {want}")
