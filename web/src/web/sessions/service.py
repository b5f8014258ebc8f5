"""A browser's session: an opaque id in an httpOnly cookie, everything else here. A visitor who
is not signed in has none: their forms carry a signed double-submit token (`signed_csrf`), so
a crawler or a QR code's visitor costs no row. A row is stored at sign-in, or for the one step
that must keep server-side state before it (an enrolment or a sign-in waiting for its SMS code),
and such a pending row lasts minutes. Signing in gives a new id (no fixation) and the tokens,
which never leave the server."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from web.sessions.models import WebSession
from web.sessions.repository import WebSessionRepository

REFRESH_MARGIN = timedelta(seconds=30)
"""An access token this close to expiry is refreshed before it is used."""


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    max: timedelta
    pending: timedelta
    """A row kept for a visitor not signed in (a journey waiting for its SMS code) lasts this long."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_in: int


def digest(cookie: str) -> bytes:
    return hashlib.sha256(cookie.encode()).digest()


async def find(session: AsyncSession, *, cookie: str | None, now: datetime, lifetime: Lifetime) -> WebSession | None:
    """The live session behind a cookie, its idle deadline pushed back; None when unknown or over."""
    if not cookie or len(cookie) > 100:
        return None
    row = await WebSessionRepository(session).live(digest(cookie), now=now)
    if row is None:
        return None
    row.last_seen_at = now
    row.expires_at = min(now + lifetime.idle, row.created_at + (lifetime.max if row.kind else lifetime.pending))
    return row


async def start(session: AsyncSession, *, now: datetime, lifetime: Lifetime) -> tuple[str, WebSession]:
    """A new session, not yet signed in (a pending journey's: it ends after `lifetime.pending`);
    returns the cookie's value (shown to nobody else) and the row."""
    cookie = secrets.token_urlsafe(32)
    row = WebSession(
        id_hash=digest(cookie), csrf=secrets.token_urlsafe(32), kind=None, subject=None, display_name=None,
        roles=[], access_token=None, refresh_token=None, access_expires_at=None, flow={},
        created_at=now, last_seen_at=now, expires_at=now + min(lifetime.idle, lifetime.pending),
    )  # fmt: skip
    await WebSessionRepository(session).add(row)
    return cookie, row


def csrf_ok(row: WebSession, submitted: str | None) -> bool:
    return submitted is not None and hmac.compare_digest(row.csrf.encode(), submitted.encode())


def new_csrf_cookie() -> str:
    """The random value of an anonymous browser's `shubbak_csrf` cookie."""
    return secrets.token_urlsafe(32)


def signed_csrf(secret: str, cookie: str) -> str:
    """The token an anonymous form carries: an HMAC of the browser's cookie under the server's
    secret. Another site can neither read the cookie nor compute the token for it."""
    return hmac.new(secret.encode(), b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def signed_csrf_ok(secret: str, cookie: str | None, submitted: str | None) -> bool:
    if not cookie or not submitted or len(cookie) > 100:
        return False
    return hmac.compare_digest(signed_csrf(secret, cookie).encode(), submitted.encode())


async def sign_in(
    session: AsyncSession,
    old: WebSession | None,
    *,
    kind: str,
    subject: str,
    name: str,
    roles: list[str],
    tokens: Tokens,
    now: datetime,
    lifetime: Lifetime,
) -> tuple[str, WebSession]:
    """A signed-in session under a new id and a new CSRF token, replacing the pending one if any."""
    if old is not None:
        await WebSessionRepository(session).remove(old.id_hash)
    cookie, row = await start(session, now=now, lifetime=lifetime)
    row.kind, row.subject, row.display_name, row.roles = kind, subject, name, roles
    row.expires_at = now + lifetime.idle
    hold(row, tokens, now=now)
    return cookie, row


def hold(row: WebSession, tokens: Tokens, *, now: datetime) -> None:
    """Keep (new) tokens; a refresh token is kept until a new one replaces it."""
    row.access_token = tokens.access_token
    row.refresh_token = tokens.refresh_token or row.refresh_token
    row.access_expires_at = now + timedelta(seconds=tokens.expires_in)


def needs_refresh(row: WebSession, *, now: datetime) -> bool:
    return row.access_expires_at is not None and row.access_expires_at - REFRESH_MARGIN <= now


async def end(session: AsyncSession, row: WebSession) -> None:
    await WebSessionRepository(session).remove(row.id_hash)


def remember(row: WebSession, **values: Any) -> None:
    """Keep a journey's answers between pages (a new dict, so the JSON column is written)."""
    row.flow = {**row.flow, **values}


def forget(row: WebSession, *keys: str) -> None:
    row.flow = {k: v for k, v in row.flow.items() if k not in keys}


async def sweep_expired(session: AsyncSession, *, now: datetime) -> int:
    return await WebSessionRepository(session).remove_expired(now=now)
