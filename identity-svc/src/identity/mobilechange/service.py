"""Changing a citizen's mobile: one mobile per citizen, one citizen per mobile.

Signed in, the citizen proves both numbers (a code to the old one and one to the new one).
Without the old SIM, an office clerk checks an ID document and the citizen reads the new
number's code at the desk; the clerk, office and reason go to the access log. Either way
the change is applied atomically (the unique constraint on `citizens.mobile` settles
races), every refresh-token family of the citizen is revoked (the safe default: other
devices sign in again with the new number; the citizen's own device gets a fresh pair),
the old number is told by SMS and `identity.citizen.mobile_changed.v1` carries no number.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.identity import CitizenMobileChanged
from identity import validation
from identity.accesslog import service as access_log
from identity.citizens import service as citizens
from identity.citizens.models import Citizen
from identity.citizens.repository import CitizenRepository
from identity.mobile import InvalidMobile, parse_mobile
from identity.mobilechange.models import MobileChange
from identity.mobilechange.repository import MobileChangeRepository
from identity.notifications import service as notifications
from identity.otp import service as otp
from identity.otp.models import OtpChallenge
from identity.problems import Refusal
from identity.sessions import service as tokens
from identity.settings import Settings
from identity.sms.provider import FailoverSender
from identity.staff import service as staff_service
from identity.staff.models import StaffMember
from kit import i18n
from kit.clock import local_day
from kit.errors import ProblemError
from kit.messaging import record
from kit.repository import Page

OLD, NEW = "mobile_old", "mobile_new"
"""OTP purposes: the code to the current number, and the code to the number asked for."""

_STATUS = {
    "applied": ("نُفذ بالفعل", "already applied"),
    "locked": ("أوقف بعد محاولات خاطئة كثيرة", "locked after too many wrong codes"),
    "superseded": ("استُبدل بطلب أحدث", "replaced by a newer request"),
}


@dataclass(frozen=True)
class Started:
    change: MobileChange
    challenge: OtpChallenge
    """The new number's challenge (its expiry and resend time are shown)."""


async def start_self(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    citizen_id: uuid.UUID,
    new_mobile: str,
    client: str,
    now: datetime,
) -> Started:
    try:
        e164 = parse_mobile(new_mobile)
    except InvalidMobile as exc:
        raise validation.invalid(validation.field_error("body.mobile", exc.code)) from exc
    citizen = await citizens.profile(session, citizen_id=citizen_id)
    c = citizen.citizen
    # Per account (its national ID) and per number; not per address: citizens behind one
    # carrier-grade NAT would otherwise share a bucket.
    await _throttle(session, settings=settings, national_id=c.national_id, mobile=e164, now=now)
    await _check(session, citizen=c, mobile=e164)
    old = await otp.issue(
        session, settings=settings, sender=sender, purpose=OLD, mobile=c.mobile, national_id=c.national_id,
        citizen_id=c.id, language=c.language, now=now,
    )  # fmt: skip
    new = await otp.issue(
        session, settings=settings, sender=sender, purpose=NEW, mobile=e164, national_id=c.national_id,
        citizen_id=c.id, language=c.language, now=now,
    )  # fmt: skip
    change = MobileChange(
        id=uuid.uuid4(), citizen_id=c.id, channel="self", old_mobile=c.mobile, new_mobile=e164,
        old_challenge_id=old.id, new_challenge_id=new.id, status="pending",
        client_key=otp.keyed(settings, client), created_at=now,
    )  # fmt: skip
    await MobileChangeRepository(session).add(change)
    return Started(change, new)


async def start_office(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    staff_id: uuid.UUID,
    national_id: str,
    new_mobile: str,
    document_kind: str,
    document_number: str,
    document_expires_on: date,
    reason: str,
    now: datetime,
) -> Started:
    clerk = await _clerk(session, staff_id)
    today = local_day(now)
    nid, e164 = validation.national_id_and_mobile(national_id, new_mobile, today=today)
    assert e164 is not None
    if document_expires_on < today:
        raise validation.invalid(validation.field_error("body.document.expires_on", "document_expired"))
    await _throttle(session, settings=settings, national_id=nid.value, mobile=e164, now=now)
    c = await citizens.by_national_id(session, national_id=nid.value)
    if c is None:
        raise Refusal("citizen_not_found", status=404)
    await _check(session, citizen=c, mobile=e164)
    new = await otp.issue(
        session, settings=settings, sender=sender, purpose=NEW, national_id=c.national_id, mobile=e164,
        citizen_id=c.id, requested_by=clerk.id, language=c.language, now=now,
    )  # fmt: skip
    change = MobileChange(
        id=uuid.uuid4(), citizen_id=c.id, channel="office", old_mobile=c.mobile, new_mobile=e164,
        old_challenge_id=None, new_challenge_id=new.id, status="pending", staff_id=clerk.id,
        office_id=clerk.office_id, document_kind=document_kind, document_number=document_number,
        document_expires_on=document_expires_on, reason=reason, created_at=now,
    )  # fmt: skip
    await MobileChangeRepository(session).add(change)
    await access_log.append(
        session, citizen_id=c.id, staff=clerk, action="mobile_change_started", reason=reason,
        office_id=clerk.office_id, now=now,
    )  # fmt: skip
    return Started(change, new)


async def verify_self(
    session: AsyncSession, *, settings: Settings, citizen_id: uuid.UUID, change_id: uuid.UUID, old_code: str,
    new_code: str, now: datetime,
) -> MobileChange:  # fmt: skip
    """Both codes, or nothing changes; a wrong code counts as an attempt on its challenge."""
    change = await _pending(session, change_id, channel="self", owner=lambda ch: ch.citizen_id == citizen_id)
    assert change.old_challenge_id is not None
    await _prove(session, change, settings=settings, challenge_id=change.old_challenge_id, purpose=OLD,
                 code=old_code, field="old_code", now=now)  # fmt: skip
    await _prove(session, change, settings=settings, challenge_id=change.new_challenge_id, purpose=NEW,
                 code=new_code, field="new_code", now=now)  # fmt: skip
    await _apply(session, change, method="two_codes", now=now)
    return change


async def verify_office(
    session: AsyncSession, *, settings: Settings, staff_id: uuid.UUID, change_id: uuid.UUID, code: str, now: datetime
) -> MobileChange:
    clerk = await _clerk(session, staff_id)
    change = await _pending(session, change_id, channel="office", owner=lambda ch: ch.staff_id == clerk.id)
    await _prove(session, change, settings=settings, challenge_id=change.new_challenge_id, purpose=NEW, code=code,
                 field="code", requested_by=clerk.id, now=now)  # fmt: skip
    await _apply(session, change, method="office_visit", now=now)
    await access_log.append(
        session, citizen_id=change.citizen_id, staff=clerk, action="mobile_changed", reason=change.reason,
        office_id=change.office_id, now=now,
    )  # fmt: skip
    return change


async def resend(
    session: AsyncSession, *, settings: Settings, sender: FailoverSender, change_id: uuid.UUID, channel: str,
    owner: uuid.UUID, now: datetime,
) -> Started:  # fmt: skip
    """New codes for the challenges not yet proven (after the cool-down; a few times at most)."""
    change = await _pending(
        session, change_id, channel=channel,
        owner=lambda ch: (ch.citizen_id if channel == "self" else ch.staff_id) == owner,
    )  # fmt: skip
    new = await otp.locked_challenge(session, change.new_challenge_id)
    assert new is not None
    for challenge_id, purpose in ((change.old_challenge_id, OLD), (change.new_challenge_id, NEW)):
        found = await otp.locked_challenge(session, challenge_id) if challenge_id else None
        if found is not None and found.status == "pending":
            sent = await otp.resend(
                session, settings=settings, sender=sender, challenge_id=found.id, purpose=purpose, now=now
            )
            new = sent if purpose == NEW else new
    return Started(change, new)


async def history(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[MobileChange]:
    return await MobileChangeRepository(session).for_citizen(citizen_id, limit=limit, cursor=cursor)


async def _clerk(session: AsyncSession, staff_id: uuid.UUID) -> StaffMember:
    clerk = await staff_service.get_active(session, staff_id=staff_id)
    if not clerk.office_id:
        raise ProblemError("office_required", status=403)
    return clerk


async def _throttle(session: AsyncSession, *, settings: Settings, national_id: str, mobile: str, now: datetime) -> None:
    await otp.throttle(
        session, settings=settings, bucket="mchange_nid", value=national_id, limit=settings.limit_per_national_id,
        now=now,
    )  # fmt: skip
    await otp.throttle(
        session, settings=settings, bucket="mchange_mobile", value=mobile, limit=settings.limit_per_mobile, now=now
    )


async def _check(session: AsyncSession, *, citizen: Citizen, mobile: str) -> None:
    """Refusals after the limits were counted (Refusal: the counts are kept)."""
    if citizen.status != "active":
        raise Refusal("account_inactive", status=409)
    if citizen.mobile == mobile:
        raise Refusal("mobile_change_same", status=422)
    if await citizens.by_mobile(session, mobile=mobile) is not None:
        raise Refusal("mobile_in_use", status=409)
    await MobileChangeRepository(session).supersede_pending(citizen.id)


async def _pending(
    session: AsyncSession, change_id: uuid.UUID, *, channel: str, owner: Callable[[MobileChange], bool]
) -> MobileChange:
    change = await MobileChangeRepository(session).get(change_id, for_update=True)
    if change is None or change.channel != channel or not owner(change):
        raise ProblemError("mobile_change_not_found", status=404)
    if change.status != "pending":
        status_ar, status_en = _STATUS.get(change.status, (change.status, change.status))
        raise ProblemError(
            "mobile_change_closed", status=409, params={"status": i18n.Words(ar=status_ar, en=status_en)},
            extra={"change_status": change.status},  # not "status": that is the HTTP status
        )  # fmt: skip
    return change


async def _prove(
    session: AsyncSession, change: MobileChange, *, settings: Settings, challenge_id: uuid.UUID, purpose: str,
    code: str, field: str, now: datetime, requested_by: uuid.UUID | None = None,
) -> None:  # fmt: skip
    """Verify one code; one proven in an earlier try (the other code was wrong) stays proven."""
    challenge = await otp.locked_challenge(session, challenge_id)
    if challenge is not None and challenge.status == "verified":
        return
    try:
        await otp.verify(
            session, settings=settings, challenge_id=challenge_id, purpose=purpose, code=code,
            requested_by=requested_by, now=now,
        )  # fmt: skip
    except ProblemError as exc:
        exc.extra = {**exc.extra, "field": f"body.{field}"}
        if exc.code == "otp_locked":
            change.status = "locked"
        raise


async def _apply(
    session: AsyncSession, change: MobileChange, *, method: Literal["two_codes", "office_visit"], now: datetime
) -> Citizen:
    citizen = await citizens.get(session, citizen_id=change.citizen_id, for_update=True)
    if citizen is None or citizen.status != "active":
        raise ProblemError("account_inactive", status=409)
    if citizen.mobile != change.old_mobile:
        raise ProblemError("mobile_change_stale", status=409)
    if await citizens.by_mobile(session, mobile=change.new_mobile) is not None:
        raise ProblemError("mobile_in_use", status=409)
    # Queued while the citizen still has the old number: the notice goes to the old number.
    await notifications.queue(
        session, event_id=change.id, citizen=citizen, kind="mobile_changed", now=now,
        last_digits=change.new_mobile[-2:],
    )  # fmt: skip
    if not await CitizenRepository(session).change_mobile(citizen, change.new_mobile, at=now):
        raise ProblemError("mobile_in_use", status=409)  # taken by another account in a concurrent transaction
    change.status, change.applied_at = "applied", now
    await tokens.revoke_citizen(session, citizen_id=citizen.id, reason="mobile_changed", now=now)
    await record(
        session,
        CitizenMobileChanged(
            citizen_id=citizen.id,
            national_id=citizen.national_id,
            method=method,
            office_id=change.office_id,
            mobile_last_digits=change.new_mobile[-2:],
            changed_at=now,
        ),
    )
    return citizen
