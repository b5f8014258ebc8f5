"""All SQL of integrators' event keys and JWKS URLs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from gateway.event_keys.models import EventKey, JwksUrl
from gateway.integrators.models import Integrator
from kit.db import serialize
from kit.repository import Repository


class EventKeyRepository(Repository[EventKey]):
    model = EventKey
    order = (EventKey.created_at, EventKey.kid)

    async def active_count(self, integrator_id: uuid.UUID) -> int:
        """The integrator's active keys, counted under its lock (held until the transaction ends)."""
        await serialize(self.session, "gateway.event_keys.per_integrator", integrator_id)
        count = await self.session.scalar(
            select(func.count())
            .select_from(EventKey)
            .where(EventKey.integrator_id == integrator_id, EventKey.status == "active")
        )
        return int(count or 0)

    async def by_x(self, x: str) -> EventKey | None:
        found: EventKey | None = await self.session.scalar(select(EventKey).where(EventKey.x == x))
        return found

    async def of(self, integrator_id: uuid.UUID) -> Sequence[EventKey]:
        return (await self.session.scalars(select(EventKey).where(EventKey.integrator_id == integrator_id))).all()

    async def published(self) -> Sequence[tuple[EventKey, Integrator]]:
        """Every integrator's keys with their integrator, oldest first."""
        rows = await self.session.execute(
            select(EventKey, Integrator)
            .join(Integrator, Integrator.id == EventKey.integrator_id)
            .order_by(EventKey.created_at, EventKey.kid)
        )
        return [(row[0], row[1]) for row in rows]


class JwksUrlRepository(Repository[JwksUrl]):
    model = JwksUrl
    order = (JwksUrl.created_at, JwksUrl.integrator_id)
