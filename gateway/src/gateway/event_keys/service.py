"""The rules of integrators' event-signing keys (no HTTP, no SQL strings).

A key is an Ed25519 public JWK (RFC 8037) with a `kid` unique across the platform (consumers look
keys up by it). Its `producer` is the integrator's CloudEvent source and its `types` the
integrator's `publish:` scopes that name facts integrators publish at all, both read from the
integrator whenever the key is published or used (a scope withdrawn stops its events at once).
A private part (`d`) is refused: the platform never holds an integrator's private key.

States: `active` signs events; `retired` (gone from the integrator's JWKS URL) signs nothing new
but is still published unrevoked, so the events it signed keep verifying; `revoked` (by the
integrator, or by an administrator) is published as revoked: nothing it signed verifies any more.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.signing import KeyRing, PublicKey
from gateway.event_keys.fetch import Unreachable, fetch_jwks
from gateway.event_keys.models import EventKey, JwksUrl
from gateway.event_keys.repository import EventKeyRepository, JwksUrlRepository
from gateway.integrators import audit
from gateway.integrators.models import Integrator
from gateway.integrators.service import publishable_types
from gateway.webhooks.targets import TargetPolicy
from kit import i18n
from kit.errors import FieldError, ProblemError
from kit.repository import Page

KID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
MAX_KEYS_PER_DOCUMENT = 20


@dataclass(frozen=True)
class Fetching:
    """How the gateway fetches JWKS URLs (from settings)."""

    targets: TargetPolicy
    timeout_seconds: float
    refetch_seconds: float
    https_only: bool


def public_key(key: EventKey, integrator: Integrator) -> PublicKey:
    """The key as consumers trust it: producer and types from the integrator as it is now."""
    return PublicKey(
        kid=key.kid,
        producer=integrator.source,
        x=key.x,
        types=tuple(publishable_types(integrator)),
        revoked=key.status == "revoked",
    )


def _field(where: str, code: str) -> FieldError:
    return FieldError(field=where, reason=i18n.text(f"validation.{code}"), code=code)


def _x_size(x: object) -> int | None:
    if not isinstance(x, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", x):
        return None
    try:
        return len(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
    except (binascii.Error, ValueError):
        return None


def check_jwk(jwk: Mapping[str, Any], *, where: str, integrator: Integrator) -> list[FieldError]:
    """What is wrong with `jwk` as one of this integrator's event keys (nothing: an empty list)."""
    errors: list[FieldError] = []
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        errors.append(_field(f"{where}.crv", "event_key_not_ed25519"))
    if "d" in jwk:
        errors.append(_field(f"{where}.d", "event_key_private_part"))
    if _x_size(jwk.get("x")) != 32:
        errors.append(_field(f"{where}.x", "event_key_wrong_size"))
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not KID.fullmatch(kid):
        errors.append(_field(f"{where}.kid", "event_key_bad_kid"))
    if jwk.get("use", "sig") != "sig" or jwk.get("alg", "EdDSA") not in ("EdDSA", "Ed25519"):
        errors.append(_field(f"{where}.use", "event_key_not_for_signing"))
    if jwk.get("producer", integrator.source) != integrator.source:
        errors.append(_field(f"{where}.producer", "event_key_wrong_producer"))
    return errors


def _invalid(errors: list[FieldError]) -> ProblemError:
    return ProblemError("validation_failed", status=422, errors=errors)


def _needs_publish_scope(integrator: Integrator) -> None:
    if not publishable_types(integrator):
        raise ProblemError("event_key_no_publish_scope", status=403)


async def _check_free(repository: EventKeyRepository, *, kid: str, x: str) -> None:
    if await repository.get(kid) is not None:
        raise ProblemError("event_key_kid_taken", status=409, params={"kid": kid})
    if await repository.by_x(x) is not None:
        raise ProblemError("event_key_duplicate", status=409)


async def _check_room(repository: EventKeyRepository, integrator: Integrator, *, adding: int, limit: int) -> None:
    if adding and await repository.active_count(integrator.id) + adding > limit:
        raise ProblemError("event_key_limit_reached", status=409, params={"limit": limit})


async def register_jwk(
    session: AsyncSession, *, integrator: Integrator, jwk: Mapping[str, Any], actor: str, limit: int, now: datetime
) -> EventKey:
    """One uploaded public key, active at once."""
    _needs_publish_scope(integrator)
    errors = check_jwk(jwk, where="body.jwk", integrator=integrator)
    if errors:
        raise _invalid(errors)
    repository = EventKeyRepository(session)
    kid, x = str(jwk["kid"]), str(jwk["x"])
    await _check_free(repository, kid=kid, x=x)
    await _check_room(repository, integrator, adding=1, limit=limit)
    key = await repository.add(_new(kid=kid, x=x, integrator=integrator, url=None, now=now))
    await audit.record(
        session,
        actor=actor,
        at=now,
        action="event_key.registered",
        integrator_id=integrator.id,
        detail={"kid": kid, "x": x},
    )
    return key


def _new(*, kid: str, x: str, integrator: Integrator, url: str | None, now: datetime) -> EventKey:
    return EventKey(
        kid=kid,
        integrator_id=integrator.id,
        x=x,
        jwks_url=url,
        status="active",
        created_at=now,
        retired_at=None,
        revoked_at=None,
        revoked_by=None,
        revoked_reason=None,
    )


async def register_url(
    session: AsyncSession,
    *,
    integrator: Integrator,
    url: str,
    fetching: Fetching,
    actor: str,
    limit: int,
    now: datetime,
) -> list[EventKey]:
    """The integrator's JWKS URL (replacing any before): fetched now, its keys registered; fetched
    again later when an event names a key not seen yet. Registering the same URL again fetches it."""
    _needs_publish_scope(integrator)
    if fetching.https_only and not url.startswith("https://"):
        raise _invalid([_field("body.jwks_url", "https_required")])
    try:
        document = await fetch_jwks(url, targets=fetching.targets, timeout_seconds=fetching.timeout_seconds)
    except Unreachable as failed:
        raise _invalid([_field("body.jwks_url", failed.reason)]) from None
    keys = await _apply(session, integrator=integrator, url=url, document=document, limit=limit, now=now)
    await audit.record(
        session,
        actor=actor,
        at=now,
        action="event_key.jwks_url_registered",
        integrator_id=integrator.id,
        detail={"url": url, "kids": [key.kid for key in keys]},
    )
    return keys


async def _apply(
    session: AsyncSession, *, integrator: Integrator, url: str, document: dict[str, Any], limit: int, now: datetime
) -> list[EventKey]:
    """Make the integrator's URL keys what the document says: new ones active, ones it marks
    revoked revoked, ones gone from it (or from a URL it replaced) retired."""
    listed = document["keys"]
    if len(listed) > MAX_KEYS_PER_DOCUMENT:
        raise _invalid([_field("body.jwks_url", "jwks_too_many_keys")])
    errors: list[FieldError] = []
    for index, jwk in enumerate(listed):
        if not isinstance(jwk, dict):
            errors.append(_field(f"body.jwks_url.keys.{index}", "event_key_not_ed25519"))
        else:
            errors += check_jwk(jwk, where=f"body.jwks_url.keys.{index}", integrator=integrator)
    if errors:
        raise _invalid(errors)
    repository = EventKeyRepository(session)
    mine = {key.kid: key for key in await repository.of(integrator.id)}
    fresh = [jwk for jwk in listed if jwk["kid"] not in mine]
    for jwk in listed:
        known = mine.get(jwk["kid"])
        if known is not None and (known.x != jwk["x"] or known.jwks_url is None):
            raise ProblemError("event_key_kid_taken", status=409, params={"kid": jwk["kid"]})
    for jwk in fresh:
        await _check_free(repository, kid=jwk["kid"], x=jwk["x"])
    await _check_room(repository, integrator, adding=len(fresh), limit=limit)
    result = [
        await repository.add(_new(kid=j["kid"], x=j["x"], integrator=integrator, url=url, now=now)) for j in fresh
    ]
    present = {jwk["kid"]: jwk for jwk in listed}
    for kid, key in mine.items():
        if key.jwks_url is None:
            continue
        if kid not in present:
            if key.status == "active":
                key.status, key.retired_at = "retired", now
            continue
        key.jwks_url = url
        if key.status == "retired":
            key.status, key.retired_at = "active", None  # listed again
        result.append(key)
    for key in result:
        if present[key.kid].get("revoked") is True and key.status != "revoked":
            _revoke(key, by=f"jwks:{url}", reason="marked revoked in the integrator's JWKS", now=now)
    urls = JwksUrlRepository(session)
    found = await urls.get(integrator.id)
    if found is None:
        await urls.add(JwksUrl(integrator_id=integrator.id, url=url, fetched_at=now, created_at=now))
    else:
        found.url, found.fetched_at = url, now
    return result


async def refresh_for_unknown_kid(
    session: AsyncSession, *, integrator: Integrator, kid: str, fetching: Fetching, limit: int, now: datetime
) -> bool:
    """An event names a key not registered: fetch the integrator's JWKS URL again (at most once per
    `refetch_seconds`), so a key it has just added works without a call. True if `kid` is now known."""
    found = await JwksUrlRepository(session).get(integrator.id, for_update=True)
    if found is None or now - found.fetched_at < timedelta(seconds=fetching.refetch_seconds):
        return False
    found.fetched_at = now
    try:
        document = await fetch_jwks(found.url, targets=fetching.targets, timeout_seconds=fetching.timeout_seconds)
        keys = await _apply(session, integrator=integrator, url=found.url, document=document, limit=limit, now=now)
    except (Unreachable, ProblemError):
        return False  # the keys stay as they were; the event is refused as signed by an unknown key
    await audit.record(
        session,
        actor="gateway",
        at=now,
        action="event_key.jwks_url_refetched",
        integrator_id=integrator.id,
        detail={"url": found.url, "kids": [key.kid for key in keys]},
    )
    return any(key.kid == kid for key in keys)


def _revoke(key: EventKey, *, by: str, reason: str, now: datetime) -> None:
    key.status = "revoked"
    key.revoked_at, key.revoked_by, key.revoked_reason = now, by, reason[:500]


async def revoke(
    session: AsyncSession,
    *,
    kid: str,
    integrator: Integrator | None,
    actor: str,
    reason: str,
    now: datetime,
) -> EventKey:
    """Revoke a key: the integrator's own (`integrator` given: another's is 404), or any
    (an administrator). Revoking a revoked key changes nothing."""
    key = await EventKeyRepository(session).get(kid, for_update=True)
    if key is None or (integrator is not None and key.integrator_id != integrator.id):
        raise ProblemError("event_key_not_found", status=404)
    if key.status != "revoked":
        _revoke(key, by=actor, reason=reason, now=now)
        await audit.record(
            session,
            actor=actor,
            at=now,
            action="event_key.revoked",
            integrator_id=key.integrator_id,
            detail={"kid": kid, "reason": reason},
        )
    return key


async def get(session: AsyncSession, *, kid: str, integrator: Integrator) -> EventKey:
    key = await EventKeyRepository(session).get(kid)
    if key is None or key.integrator_id != integrator.id:
        raise ProblemError("event_key_not_found", status=404)
    return key


async def page(
    session: AsyncSession,
    *,
    integrator_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> Page[EventKey]:
    """Keys oldest first: one integrator's, or (an administrator) everyone's."""
    query = select(EventKey)
    if integrator_id is not None:
        query = query.where(EventKey.integrator_id == integrator_id)
    if status is not None:
        query = query.where(EventKey.status == status)
    return await EventKeyRepository(session).paginate(query, limit=limit, cursor=cursor)


async def ring_for(session: AsyncSession, integrator: Integrator) -> KeyRing:
    """The keys `POST /v1/events` accepts this integrator's events with: its active keys; its
    retired and revoked ones as revoked (they sign nothing new)."""
    ring = KeyRing()
    for key in await EventKeyRepository(session).of(integrator.id):
        found = public_key(key, integrator)
        if key.status != "active":
            found = PublicKey(kid=found.kid, producer=found.producer, x=found.x, types=found.types, revoked=True)
        ring.add(found)
    return ring


async def published(session: AsyncSession) -> dict[str, Any]:
    """Every integrator's keys as one JWKS (`/.well-known/integrator-event-keys.json`)."""
    rows = await EventKeyRepository(session).published()
    return {"keys": [public_key(key, integrator).jwk() for key, integrator in rows]}
