"""Staff sign-in that slows guessers down instead of locking owners out.

Before, 5 wrong passwords locked the account for 15 minutes whoever typed them: anyone who
knew a username could keep a clerk out all day. Now every wrong password (or unknown
username) is recorded, and the next attempt must wait a delay that doubles with each failure
past a free allowance, counted three ways over a sliding window:

- per username at this address: the guesser at their own address;
- per address, across usernames: one address spraying many accounts;
- per username from addresses the owner has not signed in from lately: a guesser spread over
  many addresses. The owner's usual addresses skip this one, so strangers' guesses alone never
  slow the owner down there; elsewhere the owner waits at most the maximum delay, then the
  right password works. Nothing is refused for longer than the delay, and the password is not
  even checked while one runs (429 with Retry-After), so guessing gains nothing by hurrying.

Each delay imposed is logged (`staff_sign_in_slowed`, WARNING) and counted in the metric
`identity_staff_sign_in_slowed_total{by=...}` for alerting; an administrator can clear a
username's failures (`unlock`, audited).
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from identity.otp.service import keyed
from identity.problems import Refusal
from identity.settings import Settings
from identity.staff.models import StaffAudit, StaffMember
from identity.staff.passwords import DUMMY_HASH, verify_password
from identity.staff.repository import Failures, SignInRepository, StaffAuditRepository
from kit.errors import NotFound
from kit.repository import Page

log = logging.getLogger("identity.staff.sign_in")

FAILURES = Counter("identity_staff_sign_in_failures_total", "Staff sign-ins refused for a wrong password")
SLOWED = Counter("identity_staff_sign_in_slowed_total", "Staff sign-ins refused while a guessing delay runs", ["by"])


@dataclass(frozen=True)
class Standing:
    """A username's sign-in standing, as an administrator sees it."""

    username: str
    last_signed_in_at: datetime | None
    failures: int
    wait_seconds: float
    """How long a sign-in from an address it never used must wait now."""
    known_addresses: int


def _name(username: str) -> str:
    return username.strip().lower()[:64]


def _wait(failures: Failures, *, free: int, settings: Settings, now: datetime) -> float:
    """Seconds left before the next attempt: none within the free allowance, then a delay that
    doubles per failure (up to the maximum), counted from the last failure."""
    if failures.count < free or failures.last is None:
        return 0.0
    delay = min(
        settings.staff_sign_in_max_delay_seconds,
        settings.staff_sign_in_first_delay_seconds * 2.0 ** min(failures.count - free, 32),
    )
    return max(0.0, (failures.last + timedelta(seconds=delay) - now).total_seconds())


async def authenticate(
    session: AsyncSession, *, settings: Settings, username: str, password: str, address: str, now: datetime
) -> StaffMember:
    """The staff member, if the password is right and no delay runs for this username or address."""
    repo = SignInRepository(session)
    name, address_key = _name(username), keyed(settings, address)
    await repo.lock(name)
    since = now - timedelta(seconds=settings.staff_sign_in_window_seconds)
    member = await repo.member(username)
    known = member is not None and await repo.is_known(
        staff_id=member.id, address_key=address_key, since=now - timedelta(days=settings.staff_known_address_days)
    )
    waits = {
        "username_at_address": _wait(
            await repo.failures(since=since, username=name, address_key=address_key),
            free=settings.staff_sign_in_free_failures,
            settings=settings,
            now=now,
        ),
        "address": _wait(
            await repo.failures(since=since, address_key=address_key),
            free=settings.staff_sign_in_free_failures_address,
            settings=settings,
            now=now,
        ),
    }
    if not known:
        waits["username"] = _wait(
            await repo.failures(since=since, username=name),
            free=settings.staff_sign_in_free_failures_username,
            settings=settings,
            now=now,
        )
    by, wait = max(waits.items(), key=lambda item: item[1])
    if wait > 0:
        SLOWED.labels(by=by).inc()
        log.warning(
            "staff_sign_in_slowed: %s waits %.0f s (by %s)",
            name,
            wait,
            by,
            extra={"event": "staff_sign_in_slowed", "username": name, "by": by, "address_key": address_key[:12]},
        )
        retry = math.ceil(wait)
        raise Refusal(
            "staff_sign_in_slowed", status=429, params={"retry_after": retry}, headers={"Retry-After": str(retry)}
        )
    ok = await asyncio.to_thread(verify_password, password, member.password_hash if member else DUMMY_HASH)
    if not ok or member is None:
        FAILURES.inc()
        await repo.add_failure(username=name, address_key=address_key, at=now)
        await repo.forget_before(since)
        raise Refusal("invalid_credentials", status=401)  # the failure is kept
    if not member.active:
        raise Refusal("invalid_credentials", status=401)
    await repo.forget(username=name, address_key=address_key)
    await repo.remember(staff_id=member.id, address_key=address_key, at=now)
    member.last_signed_in_at = now
    return member


async def standing(session: AsyncSession, *, settings: Settings, username: str, now: datetime) -> Standing:
    repo = SignInRepository(session)
    member = await repo.member(username)
    if member is None:
        raise NotFound("staff_not_found")
    name = _name(username)
    failures = await repo.failures(since=now - timedelta(seconds=settings.staff_sign_in_window_seconds), username=name)
    return Standing(
        username=member.username,
        last_signed_in_at=member.last_signed_in_at,
        failures=failures.count,
        wait_seconds=_wait(failures, free=settings.staff_sign_in_free_failures_username, settings=settings, now=now),
        known_addresses=await repo.known_count(
            staff_id=member.id, since=now - timedelta(days=settings.staff_known_address_days)
        ),
    )


async def unlock(session: AsyncSession, *, admin: StaffMember, username: str, reason: str, now: datetime) -> StaffAudit:
    """Clear every recorded failure of a username (at every address), audited."""
    repo = SignInRepository(session)
    member = await repo.member(username)
    if member is None:
        raise NotFound("staff_not_found")
    name = _name(username)
    await repo.lock(name)
    cleared = await repo.forget(username=name)
    entry = StaffAudit(
        at=now,
        actor_id=admin.id,
        actor_username=admin.username,
        action="sign_in_unlocked",
        target_username=member.username,
        reason=reason,
        details={"failures_cleared": cleared},
    )
    log.info("staff_sign_in_unlocked: %s by %s (%d failures cleared)", member.username, admin.username, cleared)
    return await StaffAuditRepository(session).add(entry)


async def audit_page(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[StaffAudit]:
    return await StaffAuditRepository(session).page(limit=limit, cursor=cursor)
