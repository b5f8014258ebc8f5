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
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.identity import CitizenMobileChanged
from identity import validation
from identity.accesslog import service as access_log
from identity.citizens import service as citizens
from identity.citizens.models import Citizen
from identity.enrolment import service as _enrolment  # noqa: F401 - registers mobile_in_use
from identity.mobile import InvalidMobile, parse_mobile
from identity.mobilechange.models import MobileChange
from identity.mobilechange.repository import MobileChangeRepository
from identity.notifications import service as notifications
from identity.otp import service as otp
from identity.otp.models import OtpChallenge
from identity.otp.repository import ChallengeRepository
from identity.problems import Refusal, texts
from identity.sessions import service as tokens
from identity.settings import Settings
from identity.sms.provider import FailoverSender
from identity.staff import service as staff_service
from identity.staff.models import StaffMember
from kit import i18n
from kit.errors import ProblemError
from kit.messaging import record

OLD, NEW = "mobile_old", "mobile_new"
"""OTP purposes: the code to the current number, and the code to the number asked for."""

texts(
    {
        "mobile_change_same": (
            "الرقم لم يتغير",
            "Same number",
            "الرقم الجديد هو نفس رقم الهاتف المسجل حاليًا.",
            "The new number is the mobile number already registered.",
        ),
        "mobile_change_not_found": (
            "طلب التغيير غير موجود",
            "No such change request",
            "لا يوجد طلب لتغيير رقم الهاتف بهذا المعرف.",
            "There is no mobile change request with this id.",
        ),
        "mobile_change_closed": (
            "الطلب مغلق",
            "Request closed",
            "طلب تغيير الرقم هذا {status}. ابدأ طلبًا جديدًا إن لزم.",
            "This mobile change request is {status}. Start a new one if needed.",
        ),
        "mobile_change_stale": (
            "تغير الرقم بالفعل",
            "The number changed meanwhile",
            "تغير رقم الهاتف المسجل منذ بدء هذا الطلب. ابدأ طلبًا جديدًا.",
            "The registered mobile changed since this request started. Start a new one.",
        ),
        "account_inactive": (
            "الحساب غير نشط",
            "Account not active",
            "لا يمكن تغيير رقم الهاتف لحساب غير نشط.",
            "The mobile of an inactive account cannot be changed.",
        ),
        "office_required": (
            "يلزم مكتب",
            "An office is required",
            "هذا الإجراء يتم في مكتب خدمة، وحسابك غير مرتبط بمكتب.",
            "This is done at a service office, and your staff account is not bound to one.",
        ),
    }
)
i18n.register(
    {
        "field.document_expired": {
            "ar": "المستند المقدم منتهي الصلاحية.",
            "en": "The document shown has expired.",
        },
    }
)
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


def now() -> datetime:
    return datetime.now(UTC)


async def start_self(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    citizen_id: uuid.UUID,
    new_mobile: str,
    client: str,
) -> Started:
    try:
        e164 = parse_mobile(new_mobile)
    except InvalidMobile as exc:
        raise validation.invalid(validation.field_error("body.mobile", exc.code)) from exc
    citizen = await citizens.profile(session, citizen_id=citizen_id)
    c = citizen.citizen
    # Per account (its national ID) and per number; not per address: citizens behind one
    # carrier-grade NAT would otherwise share a bucket.
    await _throttle(session, settings=settings, national_id=c.national_id, mobile=e164)
    await _check(session, citizen=c, mobile=e164)
    common = {"settings": settings, "sender": sender, "national_id": c.national_id, "citizen_id": c.id,
              "language": c.language}  # fmt: skip
    old = await otp.issue(session, purpose=OLD, mobile=c.mobile, **common)  # type: ignore[arg-type]
    new = await otp.issue(session, purpose=NEW, mobile=e164, **common)  # type: ignore[arg-type]
    change = MobileChange(
        id=uuid.uuid4(), citizen_id=c.id, channel="self", old_mobile=c.mobile, new_mobile=e164,
        old_challenge_id=old.id, new_challenge_id=new.id, status="pending",
        client_key=otp.keyed(settings, client), created_at=now(),
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
    today: date | None = None,
) -> Started:
    clerk = await _clerk(session, staff_id)
    today = today or now().date()
    nid, e164 = validation.national_id_and_mobile(national_id, new_mobile, today=today)
    assert e164 is not None
    if document_expires_on < today:
        raise validation.invalid(validation.field_error("body.document.expires_on", "document_expired"))
    await _throttle(session, settings=settings, national_id=nid.value, mobile=e164)
    c = await citizens.by_national_id(session, national_id=nid.value)
    if c is None:
        raise Refusal("citizen_not_found", status=404)
    await _check(session, citizen=c, mobile=e164)
    new = await otp.issue(
        session, settings=settings, sender=sender, purpose=NEW, national_id=c.national_id, mobile=e164,
        citizen_id=c.id, requested_by=clerk.id, language=c.language,
    )  # fmt: skip
    change = MobileChange(
        id=uuid.uuid4(), citizen_id=c.id, channel="office", old_mobile=c.mobile, new_mobile=e164,
        old_challenge_id=None, new_challenge_id=new.id, status="pending", staff_id=clerk.id,
        office_id=clerk.office_id, document_kind=document_kind, document_number=document_number,
        document_expires_on=document_expires_on, reason=reason, created_at=now(),
    )  # fmt: skip
    await MobileChangeRepository(session).add(change)
    await access_log.append(
        session, citizen_id=c.id, staff=clerk, action="mobile_change_started", reason=reason,
        office_id=clerk.office_id,
    )  # fmt: skip
    return Started(change, new)


async def verify_self(
    session: AsyncSession, *, settings: Settings, citizen_id: uuid.UUID, change_id: uuid.UUID, old_code: str,
    new_code: str,
) -> MobileChange:  # fmt: skip
    """Both codes, or nothing changes; a wrong code counts as an attempt on its challenge."""
    change = await _pending(session, change_id, channel="self", owner=lambda ch: ch.citizen_id == citizen_id)
    assert change.old_challenge_id is not None
    await _prove(session, change, settings=settings, challenge_id=change.old_challenge_id, purpose=OLD,
                 code=old_code, field="old_code")  # fmt: skip
    await _prove(session, change, settings=settings, challenge_id=change.new_challenge_id, purpose=NEW,
                 code=new_code, field="new_code")  # fmt: skip
    await _apply(session, change, method="two_codes")
    return change


async def verify_office(
    session: AsyncSession, *, settings: Settings, staff_id: uuid.UUID, change_id: uuid.UUID, code: str
) -> MobileChange:
    clerk = await _clerk(session, staff_id)
    change = await _pending(session, change_id, channel="office", owner=lambda ch: ch.staff_id == clerk.id)
    await _prove(session, change, settings=settings, challenge_id=change.new_challenge_id, purpose=NEW, code=code,
                 field="code", requested_by=clerk.id)  # fmt: skip
    await _apply(session, change, method="office_visit")
    await access_log.append(
        session, citizen_id=change.citizen_id, staff=clerk, action="mobile_changed", reason=change.reason,
        office_id=change.office_id,
    )  # fmt: skip
    return change


async def resend(
    session: AsyncSession, *, settings: Settings, sender: FailoverSender, change_id: uuid.UUID, channel: str,
    owner: uuid.UUID,
) -> Started:  # fmt: skip
    """New codes for the challenges not yet proven (after the cool-down; a few times at most)."""
    change = await _pending(
        session, change_id, channel=channel,
        owner=lambda ch: (ch.citizen_id if channel == "self" else ch.staff_id) == owner,
    )  # fmt: skip
    challenges = ChallengeRepository(session)
    new = await challenges.get_for_update(change.new_challenge_id)
    assert new is not None
    for challenge_id, purpose in ((change.old_challenge_id, OLD), (change.new_challenge_id, NEW)):
        found = await challenges.get_for_update(challenge_id) if challenge_id else None
        if found is not None and found.status == "pending":
            sent = await otp.resend(session, settings=settings, sender=sender, challenge_id=found.id, purpose=purpose)
            new = sent if purpose == NEW else new
    return Started(change, new)


async def history(session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None):  # type: ignore[no-untyped-def]
    return await MobileChangeRepository(session).for_citizen(citizen_id, limit=limit, cursor=cursor)


async def _clerk(session: AsyncSession, staff_id: uuid.UUID) -> StaffMember:
    clerk = await staff_service.get_active(session, staff_id=staff_id)
    if not clerk.office_id:
        raise ProblemError("office_required", status=403)
    return clerk


async def _throttle(session: AsyncSession, *, settings: Settings, national_id: str, mobile: str) -> None:
    await otp.throttle(
        session, settings=settings, bucket="mchange_nid", value=national_id, limit=settings.limit_per_national_id
    )
    await otp.throttle(
        session, settings=settings, bucket="mchange_mobile", value=mobile, limit=settings.limit_per_mobile
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


async def _pending(session: AsyncSession, change_id: uuid.UUID, *, channel: str, owner) -> MobileChange:  # type: ignore[no-untyped-def]
    change = await MobileChangeRepository(session).get_for_update(change_id)
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
    code: str, field: str, requested_by: uuid.UUID | None = None,
) -> None:  # fmt: skip
    """Verify one code; one proven in an earlier try (the other code was wrong) stays proven."""
    challenge = await ChallengeRepository(session).get_for_update(challenge_id)
    if challenge is not None and challenge.status == "verified":
        return
    try:
        await otp.verify(
            session, settings=settings, challenge_id=challenge_id, purpose=purpose, code=code, requested_by=requested_by
        )
    except ProblemError as exc:
        exc.extra = {**exc.extra, "field": f"body.{field}"}
        if exc.code == "otp_locked":
            change.status = "locked"
        raise


async def _apply(session: AsyncSession, change: MobileChange, *, method: str) -> Citizen:
    citizen = await session.get(Citizen, change.citizen_id, with_for_update=True)
    if citizen is None or citizen.status != "active":
        raise ProblemError("account_inactive", status=409)
    if citizen.mobile != change.old_mobile:
        raise ProblemError("mobile_change_stale", status=409)
    if await citizens.by_mobile(session, mobile=change.new_mobile) is not None:
        raise ProblemError("mobile_in_use", status=409)
    # Queued while the citizen still has the old number: the notice goes to the old number.
    await notifications.queue(
        session, event_id=change.id, citizen=citizen, kind="mobile_changed", last_digits=change.new_mobile[-2:]
    )
    at = now()
    try:
        async with session.begin_nested():
            citizen.mobile = change.new_mobile
            citizen.mobile_changed_at = at
            await session.flush()
    except IntegrityError as exc:  # another account took the number in a concurrent transaction
        raise ProblemError("mobile_in_use", status=409) from exc
    change.status, change.applied_at = "applied", at
    await tokens.revoke_citizen(session, citizen_id=citizen.id, reason="mobile_changed")
    await record(
        session,
        CitizenMobileChanged(
            citizen_id=citizen.id,
            national_id=citizen.national_id,
            method=method,  # type: ignore[arg-type]
            office_id=change.office_id,
            mobile_last_digits=change.new_mobile[-2:],
            changed_at=at,
        ),
    )
    return citizen
