"""Webhook subscriptions and their deliveries: the domain rules (no HTTP, no SQL strings)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, registry
from contracts.audience import shared_with_integrators
from contracts.errors import UnknownEvent
from gateway.integrators.models import Integrator
from gateway.integrators.service import RECEIVE
from gateway.webhooks import filters, signing
from gateway.webhooks.models import Delivery, Subscription
from gateway.webhooks.repository import DeliveryRepository, Due, SubscriptionRepository
from gateway.webhooks.schemas import SubscriptionIn, SubscriptionPatch
from gateway.webhooks.targets import TargetPolicy, TargetRefused, resolve_checked
from kit import i18n
from kit.errors import FieldError, ProblemError
from kit.repository import Page
from kit.sealing import Sealer


@dataclass(frozen=True)
class Policy:
    """Retry and disabling rules (from settings)."""

    retry_base_seconds: float = 5
    retry_max_seconds: float = 3600
    retry_for_seconds: float = 86_400
    disable_after_seconds: float = 86_400
    disable_min_failures: int = 10

    def next_delay(self, attempts: int) -> float:
        """Exponential with ±20% jitter: base, 2·base, 4·base, … capped."""
        delay = min(self.retry_max_seconds, self.retry_base_seconds * 2 ** max(attempts - 1, 0))
        return delay * random.uniform(0.8, 1.2)


async def create(
    session: AsyncSession,
    *,
    integrator: Integrator,
    token_scopes: frozenset[str],
    body: SubscriptionIn,
    https_only: bool,
    targets: TargetPolicy,
    limit: int,
    sealer: Sealer,
    now: datetime,
) -> tuple[Subscription, str]:
    """The new subscription, and its signing secret: shown to the integrator now, stored sealed."""
    event_types = list(dict.fromkeys(body.event_types))
    _check_types(event_types, integrator=integrator, token_scopes=token_scopes)
    _check_filter(body.filter, event_types)
    url = await _check_url(str(body.url), https_only=https_only, targets=targets)
    repository = SubscriptionRepository(session)
    if await repository.count_for(integrator.id) >= limit:
        raise ProblemError("webhook_limit_reached", status=409, params={"limit": limit})
    subscription_id = uuid.uuid4()
    secret = signing.new_secret()
    subscription = Subscription(
        id=subscription_id,
        integrator_id=integrator.id,
        url=url,
        description=body.description,
        event_types=event_types,
        filter=body.filter,
        secret=sealer.seal_text(secret, context=str(subscription_id)),
        status="active",
        disabled_reason=None,
        disabled_at=None,
        failing_since=None,
        consecutive_failures=0,
        created_at=now,
        updated_at=now,
    )
    return await repository.add(subscription), secret


def open_secret(sealer: Sealer, due: Due) -> str:
    """The subscription's signing secret (one stored before secrets were sealed is plain)."""
    if due.secret.startswith(signing.PREFIX):
        return due.secret
    return sealer.open_text(due.secret, context=str(due.subscription_id))


def _check_types(event_types: list[str], *, integrator: Integrator, token_scopes: frozenset[str]) -> None:
    errors: list[FieldError] = []
    for i, event_type in enumerate(event_types):
        try:
            registry.event_class(event_type)
        except UnknownEvent:
            errors.append(FieldError(field=f"body.event_types.{i}", reason=event_type, code="unknown_event_type"))
            continue
        if not shared_with_integrators(event_type):  # e.g. scoped before it was classed internal
            errors.append(FieldError(field=f"body.event_types.{i}", reason=event_type, code="event_type_not_shared"))
    if errors:
        raise ProblemError("validation_failed", status=422, errors=errors)
    outside = [t for t in event_types if RECEIVE + t not in token_scopes or RECEIVE + t not in integrator.scopes]
    if outside:
        raise ProblemError(
            "event_type_not_in_scope", status=403, params={"types": ", ".join(outside)}, extra={"event_types": outside}
        )


def _check_filter(filter_: dict[str, Any], event_types: list[str]) -> None:
    unknown = filters.unknown_fields(filter_, event_types)
    too_many = [name for name, value in filter_.items() if isinstance(value, list) and len(value) > filters.MAX_VALUES]
    errors = [FieldError(field=f"body.filter.{name}", reason=name, code="unknown_filter_field") for name in unknown]
    errors += [FieldError(field=f"body.filter.{name}", reason=name, code="too_many_values") for name in too_many]
    if errors:
        raise ProblemError("validation_failed", status=422, errors=errors)


async def _check_url(url: str, *, https_only: bool, targets: TargetPolicy) -> str:
    if https_only and not url.startswith("https://"):
        error = FieldError(field="body.url", reason="https", code="https_required")
        raise ProblemError("validation_failed", status=422, errors=[error])
    try:
        await resolve_checked(targets, url)
    except TargetRefused as refused:
        error = FieldError(field="body.url", reason=i18n.text(f"validation.{refused.reason}"), code=refused.reason)
        raise ProblemError("validation_failed", status=422, errors=[error]) from None
    return url


async def get(session: AsyncSession, *, integrator: Integrator, subscription_id: uuid.UUID) -> Subscription:
    """The integrator's own subscription; another's (or none) is 404, never 403."""
    subscription = await SubscriptionRepository(session).get(subscription_id)
    if subscription is None or subscription.integrator_id != integrator.id:
        raise ProblemError("webhook_not_found", status=404)
    return subscription


async def page(session: AsyncSession, *, integrator: Integrator, limit: int, cursor: str | None) -> Page[Subscription]:
    query = select(Subscription).where(Subscription.integrator_id == integrator.id)
    return await SubscriptionRepository(session).paginate(query, limit=limit, cursor=cursor)


async def change(
    session: AsyncSession,
    *,
    integrator: Integrator,
    subscription_id: uuid.UUID,
    body: SubscriptionPatch,
    https_only: bool,
    targets: TargetPolicy,
    now: datetime,
) -> Subscription:
    subscription = await get(session, integrator=integrator, subscription_id=subscription_id)
    if body.url is not None:
        subscription.url = await _check_url(str(body.url), https_only=https_only, targets=targets)
    if body.filter is not None:
        _check_filter(body.filter, subscription.event_types)
        subscription.filter = body.filter
    if body.description is not None:
        subscription.description = body.description
    deliveries = DeliveryRepository(session)
    if body.status == "active" and subscription.status != "active":
        subscription.status = "active"
        subscription.disabled_reason = subscription.disabled_at = subscription.failing_since = None
        subscription.consecutive_failures = 0
        await deliveries.set_status(subscription.id, old="held", new="pending", at=now)
    elif body.status == "disabled" and subscription.status != "disabled":
        _disable(subscription, reason="disabled by the integrator", now=now)
        await deliveries.set_status(subscription.id, old="pending", new="held")
    subscription.updated_at = now
    return subscription


async def delete(session: AsyncSession, *, integrator: Integrator, subscription_id: uuid.UUID) -> None:
    subscription = await get(session, integrator=integrator, subscription_id=subscription_id)
    await session.delete(subscription)


async def deliveries(
    session: AsyncSession,
    *,
    integrator: Integrator,
    subscription_id: uuid.UUID,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> Page[Delivery]:
    await get(session, integrator=integrator, subscription_id=subscription_id)
    query = select(Delivery).where(Delivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(Delivery.status == status)
    return await DeliveryRepository(session).paginate(query, limit=limit, cursor=cursor)


async def replay(
    session: AsyncSession,
    *,
    integrator: Integrator,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
    now: datetime,
) -> Delivery:
    """Send a delivery again now, whatever became of it (same webhook-id: receivers dedupe)."""
    subscription = await get(session, integrator=integrator, subscription_id=subscription_id)
    delivery = await DeliveryRepository(session).get(delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        raise ProblemError("delivery_not_found", status=404)
    if subscription.status != "active":
        raise ProblemError("webhook_disabled", status=409)
    delivery.status = "pending"
    delivery.next_attempt_at = now
    return delivery


async def fan_out(
    session: AsyncSession,
    *,
    envelopes: list[Envelope],
    now: datetime,
    signed: Mapping[uuid.UUID, Mapping[str, Any]],
) -> int:
    """Deliveries for the subscriptions each event matches (held while a subscription is disabled).
    The event id makes it idempotent: one delivery per (subscription, event). `signed`: each event's
    CloudEvent as it travelled (kit's consumer gives it), delivered as its producer signed it."""
    if not envelopes:
        return 0
    subscriptions = await SubscriptionRepository(session).for_event(envelopes[0].type)
    rows: list[dict[str, Any]] = []
    for envelope in envelopes:
        payload: bytes | None = None
        for subscription in subscriptions:
            if not filters.matches(subscription.filter, envelope.data):
                continue
            if payload is None:  # as its producer signed it (kit's consumer keeps it), never re-serialised
                payload = json.dumps(signed[envelope.id], ensure_ascii=False, separators=(",", ":")).encode()
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "subscription_id": subscription.id,
                    "event_id": envelope.id,
                    "event_type": envelope.type,
                    "payload": payload,
                    "status": "pending" if subscription.status == "active" else "held",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    await DeliveryRepository(session).add_many(rows)
    return len(rows)


FAILURES = ("unexpected_status", "timeout", "connection_failed", "tls_failed", "address_not_allowed")
"""What the delivery log says went wrong: a fixed reason and the status code, never what the
target answered or the text of an error (the log must not tell an integrator what lives where)."""


@dataclass(frozen=True)
class Outcome:
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    ok: bool
    status: int | None
    error: str | None  # one of FAILURES
    gone: bool = False  # 410: the receiver asks never to be called again


async def record(session: AsyncSession, *, outcome: Outcome, policy: Policy, now: datetime) -> None:
    deliveries = DeliveryRepository(session)
    delivery = await deliveries.get(outcome.delivery_id)
    subscription = await SubscriptionRepository(session).locked(outcome.subscription_id)
    if delivery is None or subscription is None:
        return  # deleted meanwhile
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status = outcome.status
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status = "delivered"
        delivery.delivered_at = now
        subscription.consecutive_failures = 0
        subscription.failing_since = None
        return
    if (now - delivery.created_at).total_seconds() >= policy.retry_for_seconds:
        delivery.status = "failed"  # given up; a replay can still send it
    else:
        delivery.next_attempt_at = now + timedelta(seconds=policy.next_delay(delivery.attempts))
    subscription.consecutive_failures += 1
    subscription.failing_since = subscription.failing_since or now
    failing_for = (now - subscription.failing_since).total_seconds()
    persistent = (
        subscription.consecutive_failures >= policy.disable_min_failures and failing_for >= policy.disable_after_seconds
    )
    if subscription.status == "active" and (outcome.gone or persistent):
        reason = (
            "the endpoint answered 410 Gone"
            if outcome.gone
            else f"{subscription.consecutive_failures} failures in a row since "
            f"{subscription.failing_since.isoformat()}; last: {outcome.error or outcome.status}"
        )
        _disable(subscription, reason=reason, now=now)
        await session.flush()
        await deliveries.set_status(subscription.id, old="pending", new="held")


def _disable(subscription: Subscription, *, reason: str, now: datetime) -> None:
    subscription.status = "disabled"
    subscription.disabled_reason = reason[:500]
    subscription.disabled_at = now
    subscription.updated_at = now
