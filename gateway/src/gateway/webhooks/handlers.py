"""Every contracts event the gateway may forward: one durable per domain stream (kit makes
one per stream), the subscriptions' event types and filters applied in the handler."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event, registry
from gateway.settings import Settings
from gateway.webhooks import service
from gateway.webhooks.repository import SubscriptionRepository
from kit.db import after_commit
from kit.messaging.consumer import Handlers
from kit.service import BatchContext

if TYPE_CHECKING:
    from gateway.state import Gateway

handlers: Handlers[Settings, Gateway] = Handlers()


@handlers.wanting
async def subscribed(session: AsyncSession, envelopes: list[Envelope]) -> set[uuid.UUID]:
    """The events of a type some subscription names (whatever its status: a disabled one's are
    held). The rest are acknowledged without a transaction: most of the platform's events have no
    subscriber, and the fan-out would write an inbox row for each to deliver nothing."""
    types = await SubscriptionRepository(session).subscribed({envelope.type for envelope in envelopes})
    return {envelope.id for envelope in envelopes if envelope.type in types}


async def fan_out(
    session: AsyncSession, items: list[tuple[Event, Envelope]], ctx: BatchContext[Settings, Gateway]
) -> None:
    """The deliveries of a batch of events; the delivery worker is woken once they are committed."""
    if await service.fan_out(session, envelopes=[envelope for _, envelope in items], now=ctx.now(), signed=ctx.signed):
        worker = ctx.resources.webhook_worker
        if worker is not None:
            after_commit(session, worker.wakeup.set)


for event_class in registry.all_events():
    handlers.on_batch(event_class)(fan_out)
