"""Every contracts event the gateway may forward: one durable per domain stream (kit makes
one per stream), the subscriptions' event types and filters applied in the handler."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event, registry
from gateway.webhooks import service
from kit.db import after_commit
from kit.messaging.consumer import Handlers


def build(on_new_deliveries: Callable[[], None]) -> Handlers:
    handlers = Handlers()

    async def fan_out(session: AsyncSession, items: list[tuple[Event, Envelope]]) -> None:
        if await service.fan_out(session, envelopes=[envelope for _, envelope in items]):
            after_commit(session, on_new_deliveries)

    for event_class in registry.all_events():
        handlers.on_batch(event_class)(fan_out)
    return handlers
