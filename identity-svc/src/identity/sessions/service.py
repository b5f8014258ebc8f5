"""Access tokens (EdDSA JWTs) and rotating refresh tokens with reuse detection; citizen login.

A refresh token reads `<family>.<token id>.<secret>`: the family (the sign-in session it
rotates within) comes first and is not secret, so the gateway can limit refreshes and
sign-outs per session instead of in one bucket for everybody. Tokens issued before read
`<token id>.<secret>` and still work until they expire."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from identity.citizens import service as citizens
from identity.otp import service as otp
from identity.otp.models import OtpChallenge
from identity.problems import Refusal
from identity.sessions.keys import KeyRing
from identity.sessions.models import RefreshToken
from identity.sessions.repository import RefreshTokenRepository
from identity.settings import Settings
from identity.sms.provider import FailoverSender
from kit.errors import ProblemError

ISSUER, AUDIENCE = "shubbak-identity", "shubbak"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str | None
    refresh_expires_at: datetime | None


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


async def access_token(keyring: KeyRing, *, subject: str, kind: str, ttl: int, now: datetime, **extra: Any) -> str:
    at = int(now.timestamp())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject,
        "typ": kind,
        "iat": at,
        "nbf": at,
        "exp": at + ttl,
        "jti": uuid.uuid4().hex,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return await keyring.sign(claims)


async def issue_pair(
    session: AsyncSession,
    *,
    keyring: KeyRing,
    settings: Settings,
    citizen_id: uuid.UUID,
    now: datetime,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    secret = secrets.token_urlsafe(32)
    row = RefreshToken(
        id=uuid.uuid4(),
        family_id=family_id or uuid.uuid4(),
        citizen_id=citizen_id,
        secret_hash=_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=settings.refresh_token_days),
    )
    await RefreshTokenRepository(session).add(row)
    citizen = await citizens.get(session, citizen_id=citizen_id)
    token = await access_token(
        keyring,
        subject=str(citizen_id),
        kind="citizen",
        ttl=settings.access_token_seconds,
        now=now,
        nid=citizen.national_id if citizen is not None else None,  # other services key facts by it
    )
    return TokenPair(token, settings.access_token_seconds, f"{row.family_id}.{row.id}.{secret}", row.expires_at)


async def refresh(
    session: AsyncSession, *, keyring: KeyRing, settings: Settings, token: str, now: datetime
) -> TokenPair:
    row = await _find(session, token)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise ProblemError("invalid_refresh_token", status=401)
    if row.used_at is not None:
        await revoke_family(session, family_id=row.family_id, reason="reuse", now=now)
        raise Refusal("refresh_token_reused", status=401)
    citizen = await citizens.get(session, citizen_id=row.citizen_id)
    if citizen is None or citizen.status != "active":
        raise ProblemError("invalid_refresh_token", status=401)
    row.used_at = now
    return await issue_pair(
        session, keyring=keyring, settings=settings, citizen_id=row.citizen_id, family_id=row.family_id, now=now
    )


async def _find(session: AsyncSession, token: str) -> RefreshToken | None:
    parts = token.split(".")
    if len(parts) == 3:
        family, ident, secret = parts
    elif len(parts) == 2:  # issued before the family led the token
        family, (ident, secret) = None, parts
    else:
        return None
    try:
        token_id = uuid.UUID(ident)
        family_id = uuid.UUID(family) if family is not None else None
    except ValueError:
        return None
    row = await RefreshTokenRepository(session).get(token_id, for_update=True)
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    if family_id is not None and family_id != row.family_id:  # the part limits are keyed on must be true
        return None
    return row


async def revoke_family(session: AsyncSession, *, family_id: uuid.UUID, reason: str, now: datetime) -> None:
    await RefreshTokenRepository(session).revoke_family(family_id, reason=reason, at=now)


async def revoke_citizen(session: AsyncSession, *, citizen_id: uuid.UUID, reason: str, now: datetime) -> None:
    """Every session of the citizen ends (a new mobile, a death)."""
    await RefreshTokenRepository(session).revoke_citizen(citizen_id, reason=reason, at=now)


async def logout(session: AsyncSession, *, token: str, now: datetime) -> None:
    """Ends the session the refresh token belongs to (idempotent; unknown tokens are ignored)."""
    row = await _find(session, token)
    if row is not None:
        await revoke_family(session, family_id=row.family_id, reason="logout", now=now)


async def start_login(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    national_id: str,
    requester: otp.Requester,
    language: str,
    now: datetime,
) -> OtpChallenge:
    """The same answer whether or not the ID is enrolled: an unknown ID gets a challenge nothing satisfies."""
    await otp.throttle(
        session, settings=settings, bucket="login_nid", value=national_id, limit=settings.limit_per_national_id,
        now=now,
    )  # fmt: skip
    await otp.throttle_requester(session, settings=settings, requester=requester, now=now)
    citizen = await citizens.by_national_id(session, national_id=national_id)
    active = citizen is not None and citizen.status == "active"
    return await otp.issue(
        session,
        settings=settings,
        sender=sender,
        purpose="login",
        national_id=national_id,
        mobile=citizen.mobile if active and citizen else None,
        citizen_id=citizen.id if active and citizen else None,
        language=citizen.language if citizen else language,
        now=now,
    )


async def finish_login(
    session: AsyncSession, *, settings: Settings, keyring: KeyRing, challenge_id: uuid.UUID, code: str, now: datetime
) -> TokenPair:
    challenge = await otp.verify(
        session, settings=settings, challenge_id=challenge_id, purpose="login", code=code, now=now
    )
    citizen = await citizens.get(session, citizen_id=challenge.citizen_id) if challenge.citizen_id else None
    if citizen is None or citizen.status != "active":
        raise ProblemError("login_failed", status=401)
    return await issue_pair(session, keyring=keyring, settings=settings, citizen_id=citizen.id, now=now)
