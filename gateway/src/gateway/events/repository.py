"""All SQL of published events: the record of ids taken, and the outbox row the relay sends."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from gateway.events.models import ReceivedEvent
from kit.messaging.outbox import binding_of, wake_relay_after_commit


async def take(
    session: AsyncSession, envelope: Envelope, *, digest: str | None, integrator_id: uuid.UUID, now: datetime
) -> bool:
    """Record the event's id (and the digest of its signed content, `contracts.signing.content_digest`);
    False if it was taken before (by anyone)."""
    taken = await session.scalar(
        upsert(ReceivedEvent)
        .values(
            id=envelope.id,
            type=envelope.type,
            source=envelope.source,
            integrator_id=integrator_id,
            received_at=now,
            signature=digest,
        )
        .on_conflict_do_nothing(index_elements=[ReceivedEvent.id])
        .returning(ReceivedEvent.id)
    )
    return taken is not None


async def taken(session: AsyncSession, event_id: uuid.UUID) -> ReceivedEvent | None:
    """Who took this id, and with which signature."""
    found: ReceivedEvent | None = await session.get(ReceivedEvent, event_id)
    return found


async def enqueue(session: AsyncSession, envelope: Envelope, payload: bytes, headers: dict[str, Any]) -> None:
    """The event into the gateway's outbox as its integrator signed it (`payload`: the JSON as
    received, never re-serialised from the model): its relay publishes it with Nats-Msg-Id = its id."""
    outbox = binding_of(session).tables.outbox
    await session.execute(
        insert(outbox).values(
            id=envelope.id,
            subject=envelope.type,
            aggregate_id=envelope.subject,
            payload=payload,
            headers=headers,
        )
    )
    wake_relay_after_commit(session)
