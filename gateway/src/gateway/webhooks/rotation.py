"""Rotating a subscription's signing secret without missing a delivery: the new secret signs at
once and the old one keeps signing beside it until the overlap ends (`webhook-signature: v1,<old>
v1,<new>`), so the receiver can switch to the new secret whenever it likes within that time."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.integrators.models import Integrator
from gateway.webhooks import service, signing
from gateway.webhooks.models import Subscription
from gateway.webhooks.repository import Due
from kit.sealing import Sealer

MAX_OVERLAP_SECONDS = 7 * 86_400
DEFAULT_OVERLAP_SECONDS = 86_400


async def rotate(
    session: AsyncSession,
    *,
    integrator: Integrator,
    subscription_id: uuid.UUID,
    overlap_seconds: int,
    sealer: Sealer,
    now: datetime,
) -> tuple[Subscription, str]:
    """A new secret (shown now, stored sealed); the current one signs too for `overlap_seconds`."""
    subscription = await service.get(session, integrator=integrator, subscription_id=subscription_id)
    secret = signing.new_secret()
    context = str(subscription.id)
    subscription.previous_secret = subscription.secret if overlap_seconds > 0 else None
    subscription.previous_secret_until = now + timedelta(seconds=overlap_seconds) if overlap_seconds > 0 else None
    subscription.secret = sealer.seal_text(secret, context=context)
    subscription.updated_at = now
    return subscription, secret


def signing_secrets(sealer: Sealer, due: Due, *, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the previous one first while it overlaps."""
    current = service.open_secret(sealer, due)
    if due.previous_secret is None or due.previous_secret_until is None or due.previous_secret_until <= now:
        return [current]
    return [_open(sealer, due.previous_secret, due.subscription_id), current]


def _open(sealer: Sealer, stored: str, subscription_id: uuid.UUID) -> str:
    if stored.startswith(signing.PREFIX):  # stored before secrets were sealed
        return stored
    return sealer.open_text(stored, context=str(subscription_id))
