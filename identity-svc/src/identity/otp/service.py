"""One-time codes: 6 digits, stored as a keyed hash, short-lived, few attempts, slow resends,
and limits per national ID, mobile and who asks (the client address, or the staff member
serving citizens at a desk) over a sliding window.

Attempts belong to the challenge: a resend sends a new code but gives no new attempts. A
challenge locked by wrong codes locks its national ID (and mobile) for that purpose for
`otp_lock_seconds`: starting again answers 429 with Retry-After instead of fresh attempts."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from identity.otp.models import OtpChallenge
from identity.otp.repository import ChallengeRepository, ThrottleRepository
from identity.problems import Refusal
from identity.settings import Settings
from identity.sms.provider import FailoverSender, SmsUnavailable
from kit import i18n, metrics
from kit.errors import ProblemError


def _digest(settings: Settings, challenge_id: uuid.UUID, code: str) -> bytes:
    key = settings.otp_secret.get_secret_value().encode()
    return hmac.new(key, f"{challenge_id}:{code}".encode(), hashlib.sha256).digest()


def keyed(settings: Settings, value: str) -> str:
    """A keyed hash for keys we count by (no raw ID, number or address is stored)."""
    key = settings.otp_secret.get_secret_value().encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:64]


@dataclass(frozen=True)
class Requester:
    """Who asks for a code: a staff member at a desk (post office, service office, call centre)
    serving citizens one after another, or else whoever is at the client address."""

    address: str
    staff_id: uuid.UUID | None = None


async def throttle(
    session: AsyncSession, *, settings: Settings, bucket: str, value: str, limit: int, now: datetime
) -> None:
    """Count one request under (bucket, value); refuse once `limit` were counted in the window."""
    repo = ThrottleRepository(session)
    key = keyed(settings, value)
    await repo.lock(bucket, key)
    window = timedelta(seconds=settings.limit_window_seconds)
    count, oldest = await repo.hits_since(bucket, key, now - window)
    if count >= limit:
        retry = int(((oldest or now) + window - now).total_seconds()) + 1
        raise Refusal(
            "too_many_requests", status=429, params={"retry_after": retry}, headers={"Retry-After": str(retry)}
        )
    await repo.add(bucket, key, now)
    await repo.forget_before(now - window)


async def throttle_requester(session: AsyncSession, *, settings: Settings, requester: Requester, now: datetime) -> None:
    """Per staff member for a desk serving many citizens from one address; else per address."""
    if requester.staff_id is not None:
        await throttle(
            session, settings=settings, bucket="staff", value=str(requester.staff_id), limit=settings.limit_per_staff,
            now=now,
        )  # fmt: skip
    else:
        await throttle(
            session, settings=settings, bucket="client", value=requester.address, limit=settings.limit_per_client,
            now=now,
        )  # fmt: skip


async def refuse_if_locked(
    session: AsyncSession, *, settings: Settings, purpose: str, national_id: str, mobile: str | None, now: datetime
) -> None:
    """No fresh attempts while a locked challenge's lock lasts (429, Retry-After)."""
    lock = timedelta(seconds=settings.otp_lock_seconds)
    locked_at = await ChallengeRepository(session).last_locked(
        purpose=purpose, national_id=national_id, mobile=mobile, since=now - lock
    )
    if locked_at is not None:
        raise _locked(locked_at + lock - now)


def _locked(remaining: timedelta) -> Refusal:
    retry = max(1, math.ceil(remaining.total_seconds()))
    return Refusal("otp_locked", status=429, params={"retry_after": retry}, headers={"Retry-After": str(retry)})


async def issue(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    purpose: str,
    national_id: str,
    mobile: str | None,
    now: datetime,
    citizen_id: uuid.UUID | None = None,
    requested_by: uuid.UUID | None = None,
    language: str = "ar",
) -> OtpChallenge:
    """A new challenge; the code goes by SMS to `mobile` (none: a decoy nothing can satisfy).
    Refused while an earlier challenge for the same purpose and person is locked."""
    await refuse_if_locked(session, settings=settings, purpose=purpose, national_id=national_id, mobile=mobile, now=now)
    challenge = OtpChallenge(
        id=uuid.uuid4(),
        purpose=purpose,
        national_id=national_id,
        mobile=mobile,
        citizen_id=citizen_id,
        requested_by=requested_by,
        language=language,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.otp_ttl_seconds),
        last_sent_at=now,
        sends=1,
        attempts=0,
        status="pending",
    )
    if mobile is not None:
        await _send_code(challenge, settings=settings, sender=sender)
    await ChallengeRepository(session).add(challenge)
    return challenge


async def _send_code(challenge: OtpChallenge, *, settings: Settings, sender: FailoverSender) -> None:
    assert challenge.mobile is not None
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge.code_hash = _digest(settings, challenge.id, code)
    language = i18n.language_or_default(challenge.language)
    body = i18n.text(f"sms.otp.{challenge.purpose}", language, code=code, minutes=settings.otp_ttl_seconds // 60)
    try:
        await sender.send(challenge.mobile, body)
    except SmsUnavailable as exc:
        raise ProblemError("sms_unavailable", status=503) from exc


async def resend(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    challenge_id: uuid.UUID,
    purpose: str,
    now: datetime,
) -> OtpChallenge:
    challenge = await _pending(session, challenge_id, purpose, settings=settings, now=now)
    wait = int((challenge.last_sent_at + timedelta(seconds=settings.otp_resend_cooldown_seconds) - now).total_seconds())
    if wait > 0:
        raise ProblemError(
            "otp_resend_too_soon", status=429, params={"retry_after": wait}, headers={"Retry-After": str(wait)}
        )
    if challenge.sends >= settings.otp_max_sends:
        raise ProblemError("otp_resend_limit", status=429)
    challenge.sends += 1
    challenge.last_sent_at = now
    challenge.expires_at = now + timedelta(seconds=settings.otp_ttl_seconds)
    # The attempts left stay as they were: a new code is not a new set of guesses.
    if challenge.mobile is not None:
        await _send_code(challenge, settings=settings, sender=sender)
    return challenge


async def locked_challenge(session: AsyncSession, challenge_id: uuid.UUID) -> OtpChallenge | None:
    """The challenge, locked until the transaction ends."""
    return await ChallengeRepository(session).get(challenge_id, for_update=True)


async def _pending(
    session: AsyncSession, challenge_id: uuid.UUID, purpose: str, *, settings: Settings, now: datetime
) -> OtpChallenge:
    challenge = await locked_challenge(session, challenge_id)
    if challenge is None or challenge.purpose != purpose:
        raise ProblemError("otp_challenge_not_found", status=404)
    if challenge.status == "verified":
        raise ProblemError("otp_already_used", status=409)
    if challenge.status == "locked":
        locked_at = challenge.locked_at or now
        raise _locked(locked_at + timedelta(seconds=settings.otp_lock_seconds) - now)
    return challenge


async def verify(
    session: AsyncSession,
    *,
    settings: Settings,
    challenge_id: uuid.UUID,
    purpose: str,
    code: str,
    now: datetime,
    requested_by: uuid.UUID | None = None,
) -> OtpChallenge:
    """The challenge, now verified; a wrong code counts (and is kept) even though it is refused."""
    challenge = await _pending(session, challenge_id, purpose, settings=settings, now=now)
    if requested_by is not None and challenge.requested_by != requested_by:
        raise ProblemError("otp_challenge_not_found", status=404)
    if now >= challenge.expires_at:
        raise ProblemError("otp_expired", status=410)
    expected = challenge.code_hash or b"\0" * 32
    matches = hmac.compare_digest(expected, _digest(settings, challenge.id, code))
    if not matches or challenge.code_hash is None:
        challenge.attempts += 1
        remaining = settings.otp_max_attempts - challenge.attempts
        if remaining == 0:  # this wrong code locks the challenge
            metrics.OTP_LOCKOUTS.labels(service=settings.service_name, purpose=purpose).inc()
        if remaining <= 0:
            challenge.status, challenge.locked_at = "locked", now
            raise _locked(timedelta(seconds=settings.otp_lock_seconds))
        raise Refusal("otp_wrong", status=422, params={"remaining": remaining}, extra={"attempts_left": remaining})
    challenge.status = "verified"
    challenge.verified_at = now
    return challenge
