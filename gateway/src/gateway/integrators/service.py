"""Integrator accounts and the OAuth2 client-credentials grant (RFC 6749 §4.4)."""

from __future__ import annotations

import asyncio
import re
import secrets as random
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import registry
from contracts.audience import PRODUCED_BY_SERVICES, published_by_integrators, shared_with_integrators
from contracts.errors import UnknownEvent
from gateway.integrators import secrets
from gateway.integrators.models import Integrator
from gateway.integrators.repository import IntegratorRepository
from kit.errors import ProblemError

RECEIVE, PUBLISH = "events:", "publish:"
_PLAIN_SCOPE = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9._:/-]{0,99}$")
"""A CloudEvent source as the platform's producers name themselves (`traffic-authority`, `ration-svc`)."""


@dataclass(frozen=True)
class Created:
    integrator: Integrator
    client_secret: str  # shown once, never stored


def check_scopes(scopes: list[str]) -> list[str]:
    """`events:<type>` / `publish:<type>` must name a contracts event; others are route scopes."""
    clean: list[str] = []
    for scope in scopes:
        scope = scope.strip()
        for prefix in (RECEIVE, PUBLISH):
            if scope.startswith(prefix):
                try:
                    registry.event_class(scope.removeprefix(prefix))
                except UnknownEvent:
                    raise ValueError(f"{scope!r} names no event type in contracts") from None
                if prefix == RECEIVE and not shared_with_integrators(scope.removeprefix(prefix)):
                    raise ValueError(f"{scope!r}: that event type is not shared with integrators")
                break
        else:
            if not _PLAIN_SCOPE.fullmatch(scope):
                raise ValueError(f"{scope!r} is not a valid scope")
        if scope not in clean:
            clean.append(scope)
    return clean


def check_source(source: str) -> str:
    """The CloudEvent source an integrator publishes as: its own name, never a platform service's
    (each service signs its own events; an integrator's keys are served beside them)."""
    source = source.strip()
    if not _SOURCE.fullmatch(source):
        raise ValueError(f"{source!r} is not a valid event source (lower-case letters, digits and ._:/-)")
    if source in PRODUCED_BY_SERVICES:
        raise ValueError(f"{source!r} is a platform service's name: an integrator publishes under its own")
    return source


async def create(
    session: AsyncSession, *, name: str, scopes: list[str], now: datetime, source: str | None = None
) -> Created:
    """A new account; `source` is the CloudEvent source of the events it publishes (its client id
    unless given): the producer its event-signing keys sign for."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("the name must have 1 to 200 characters")
    client_id = "int_" + random.token_hex(10)
    source = check_source(source or client_id)
    repository = IntegratorRepository(session)
    if await repository.by_source(source) is not None:
        raise ValueError(f"another integrator already publishes as {source!r}")
    secret = secrets.new_secret()
    integrator = Integrator(
        id=uuid.uuid4(),
        client_id=client_id,
        name=name,
        source=source,
        secret_hash=await _hash(secret),
        scopes=check_scopes(scopes),
        status="active",
        created_at=now,
        updated_at=now,
    )
    await repository.add(integrator)
    return Created(integrator, secret)


async def _hash(secret: str) -> str:
    return await asyncio.to_thread(secrets.hash_secret, secret)


async def set_status(session: AsyncSession, *, client_id: str, status: str, now: datetime) -> Integrator:
    integrator = await IntegratorRepository(session).by_client_id(client_id)
    if integrator is None:
        raise LookupError(client_id)
    integrator.status = status
    integrator.updated_at = now
    return integrator


async def authenticate(session: AsyncSession, *, client_id: str, client_secret: str) -> Integrator:
    """The active integrator with these credentials, else `invalid_client` (401)."""
    integrator = await IntegratorRepository(session).by_client_id(client_id) if client_id else None
    stored = integrator.secret_hash if integrator is not None else None
    ok = await secrets.check_secret_async(client_secret, stored)
    if not ok or integrator is None or integrator.status != "active":
        raise oauth_error("invalid_client", status=401, headers={"WWW-Authenticate": 'Basic realm="shubbak"'})
    return integrator


def publishable_types(integrator: Integrator) -> list[str]:
    """What the integrator's event-signing keys may sign: its `publish:` scopes that name facts
    integrators publish at all (`contracts.audience.PUBLISHED_BY_INTEGRATORS`)."""
    types = [scope.removeprefix(PUBLISH) for scope in integrator.scopes if scope.startswith(PUBLISH)]
    return [event_type for event_type in types if published_by_integrators(event_type)]


def granted_scopes(integrator: Integrator, requested: str | None) -> list[str]:
    """The scopes to put in the token: all granted ones, or the requested subset of them."""
    if requested is None or not requested.strip():
        return list(integrator.scopes)
    wanted = list(dict.fromkeys(requested.split()))
    if any(scope not in integrator.scopes for scope in wanted):
        raise oauth_error("invalid_scope", status=400)
    return wanted


def oauth_error(error: str, *, status: int, headers: dict[str, str] | None = None) -> ProblemError:
    """problem+json that OAuth2 clients also understand: `error` carries RFC 6749's code."""
    return ProblemError(
        error, status=status, headers={**(headers or {}), "Cache-Control": "no-store"}, extra={"error": error}
    )


async def active(session: AsyncSession, *, integrator_id: str) -> Integrator:
    """The caller's integrator account, still active (a disabled one is refused at once)."""
    try:
        ident = uuid.UUID(integrator_id)
    except ValueError:
        raise ProblemError("forbidden", status=403) from None
    integrator = await IntegratorRepository(session).get(ident)
    if integrator is None or integrator.status != "active":
        raise ProblemError("forbidden", status=403)
    return integrator
