"""All SQL of webhooks: subscriptions, the fan-out of events into deliveries, and the
worker's claim (skip-locked, leased) and outcomes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, any_, bindparam, func, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY, insert

from gateway.webhooks.models import Delivery, Subscription
from kit.db import serialize
from kit.repository import Repository

_NAMED = func.jsonb_array_elements_text(Subscription.event_types).table_valued("value").alias("named")
_SUBSCRIBED = (
    select(_NAMED.c.value)
    .distinct()
    .select_from(Subscription)
    .join(_NAMED, true())
    .where(_NAMED.c.value == any_(bindparam("types", type_=ARRAY(String))))
)


@dataclass(frozen=True)
class Due:
    delivery_id: uuid.UUID
    event_id: uuid.UUID
    payload: bytes
    attempts: int
    created_at: datetime
    subscription_id: uuid.UUID
    url: str
    secret: str
    previous_secret: str | None = None
    previous_secret_until: datetime | None = None


class SubscriptionRepository(Repository[Subscription]):
    model = Subscription
    order = (Subscription.created_at, Subscription.id)

    async def count_for(self, integrator_id: uuid.UUID) -> int:
        """The integrator's subscriptions, counted under its limit lock (held until the transaction
        ends): two concurrent subscriptions cannot both count 49 of 50 and both be added."""
        await serialize(self.session, "gateway.webhooks.per_integrator", integrator_id)
        return int(
            await self.session.scalar(
                select(func.count()).select_from(Subscription).where(Subscription.integrator_id == integrator_id)
            )
            or 0
        )

    async def for_event(self, event_type: str) -> list[Subscription]:
        query = select(Subscription).where(Subscription.event_types.contains([event_type]))
        return list((await self.session.scalars(query)).all())

    async def subscribed(self, event_types: set[str]) -> set[str]:
        """Which of `event_types` some subscription names (one Core statement on the session's
        connection: the ORM's execution path costs more than the statement here)."""
        rows = await (await self.session.connection()).execute(_SUBSCRIBED, {"types": sorted(event_types)})
        return set(rows.scalars())

    async def locked(self, subscription_id: uuid.UUID) -> Subscription | None:
        query = select(Subscription).where(Subscription.id == subscription_id).with_for_update()
        found: Subscription | None = await self.session.scalar(query)
        return found


class DeliveryRepository(Repository[Delivery]):
    model = Delivery
    order = (Delivery.created_at, Delivery.id)

    async def add_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(Delivery).values(rows).on_conflict_do_nothing())

    async def claim(self, *, limit: int, lease: timedelta, now: datetime) -> list[Due]:
        """Up to `limit` deliveries due at `now`, leased for `lease` (skip-locked: replicas share)."""
        query = (
            select(
                Delivery.id,
                Delivery.event_id,
                Delivery.payload,
                Delivery.attempts,
                Delivery.created_at,
                Subscription.id,
                Subscription.url,
                Subscription.secret,
                Subscription.previous_secret,
                Subscription.previous_secret_until,
            )
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .where(Delivery.status == "pending", Delivery.next_attempt_at <= now, Subscription.status == "active")
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
            .with_for_update(of=Delivery, skip_locked=True)
        )
        due = [Due(*tuple(row)) for row in (await self.session.execute(query)).all()]
        if due:
            await self.session.execute(
                update(Delivery)
                .where(Delivery.id.in_([d.delivery_id for d in due]))
                .values(next_attempt_at=now + lease)
            )
        return due

    async def set_status(self, subscription_id: uuid.UUID, *, old: str, new: str, at: datetime | None = None) -> None:
        values: dict[str, Any] = {"status": new}
        if at is not None:
            values["next_attempt_at"] = at
        await self.session.execute(
            update(Delivery).where(Delivery.subscription_id == subscription_id, Delivery.status == old).values(**values)
        )
