"""The archive consumes every event type that can cross an authority boundary (with its own
durables, one per stream) and appends each event that did, as it travelled."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event
from contracts.boundary import boundary_types, crosses_boundary
from contracts.registry import event_class
from evidence.archive import service
from evidence.bundles import keys
from evidence.resources import BatchCtx, Resources
from evidence.settings import Settings
from kit.messaging.consumer import Handlers


async def archive_batch(session: AsyncSession, items: list[tuple[Event, Envelope]], ctx: BatchCtx) -> None:
    """Kit's consumer verified each event before this runs; keep the ones that crossed, and the
    keys that verified them."""
    crossing = [ctx.signed[envelope.id] for _, envelope in items if crosses_boundary(envelope.type, envelope.source)]
    if crossing:
        await service.append(session, crossing, now=ctx.now())
        kids = [str(event["signaturekid"]) for event in crossing if event.get("signaturekid")]
        await keys.remember(session, kids, trust=ctx.resources.exporter.trust, now=ctx.now(), kept=ctx.resources.kept)


def register(handlers: Handlers[Settings, Resources]) -> None:
    for event_type in boundary_types():
        handlers.on_batch(event_class(event_type))(archive_batch)
