"""Every contracts event the gateway may forward: one durable per domain stream (kit makes
one per stream), the subscriptions' event types and filters applied in the handler."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event, registry
from gateway.webhooks import service
from kit.messaging.consumer import Handlers


def build(on_new_deliveries: Callable[[], None]) -> Handlers:
    handlers = Handlers()

    async def fan_out(session: AsyncSession, items: list[tuple[Event, Envelope]]) -> None:
        if await service.fan_out(session, envelopes=[envelope for _, envelope in items]):
            sa_event.listen(session.sync_session, "after_commit", lambda _: on_new_deliveries(), once=True)

    for event_class in registry.all_events():
        handlers.on_batch(event_class)(fan_out)
    return handlers
