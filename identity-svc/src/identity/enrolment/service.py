"""Enrolment: registry match (first name, mother's first name), one mobile, OTP, then an account.

Every refusal of the match is the same `enrolment_not_matched`, whether the ID is unknown
or a name differs, and never says what the registry holds.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.identity import CitizenEnrolled
from contracts.fields import Channel
from identity import validation
from identity.citizens import service as citizens
from identity.citizens.models import Citizen
from identity.citizens.repository import CitizenRepository
from identity.names import names_match
from identity.otp import service as otp
from identity.otp.models import OtpChallenge
from identity.problems import Refusal
from identity.registry import service as registry
from identity.settings import Settings
from identity.sms.provider import FailoverSender
from kit.clock import local_day
from kit.errors import ProblemError
from kit.messaging import record


async def start(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    national_id: str,
    mobile: str,
    first_name: str,
    mother_first_name: str,
    requester: otp.Requester,
    language: str,
    now: datetime,
) -> OtpChallenge:
    today = local_day(now)
    nid, e164 = validation.national_id_and_mobile(national_id, mobile, today=today)
    assert e164 is not None
    await otp.throttle(
        session, settings=settings, bucket="enrol_nid", value=nid.value, limit=settings.limit_per_national_id, now=now
    )
    await otp.throttle(
        session, settings=settings, bucket="enrol_mobile", value=e164, limit=settings.limit_per_mobile, now=now
    )
    await otp.throttle_requester(session, settings=settings, requester=requester, now=now)
    person = await registry.get_person(session, national_id=nid.value)
    latin_first = person.full_name_latin.split()[0] if person and person.full_name_latin else None
    if (
        person is None
        or person.mother_first_name_ar is None
        or not names_match(first_name, person.first_name_ar, registered_latin=latin_first)
        or not names_match(mother_first_name, person.mother_first_name_ar)
    ):
        raise Refusal("enrolment_not_matched", status=422)
    if not person.alive:
        raise Refusal("enrolment_deceased", status=422)
    if not registry.is_adult(person, today=today, min_age=settings.min_enrolment_age):
        raise Refusal("enrolment_not_adult", status=422, params={"min_age": settings.min_enrolment_age})
    if await citizens.by_national_id(session, national_id=nid.value) is not None:
        raise Refusal("already_enrolled", status=409)
    if await citizens.by_mobile(session, mobile=e164) is not None:
        raise Refusal("mobile_in_use", status=409)
    return await otp.issue(
        session, settings=settings, sender=sender, purpose="enrol", national_id=nid.value, mobile=e164,
        language=language, now=now,
    )  # fmt: skip


async def verify(
    session: AsyncSession, *, settings: Settings, challenge_id: uuid.UUID, code: str, channel: Channel, now: datetime
) -> Citizen:
    challenge = await otp.verify(
        session, settings=settings, challenge_id=challenge_id, purpose="enrol", code=code, now=now
    )
    assert challenge.mobile is not None
    citizen = Citizen(
        id=uuid.uuid4(),
        national_id=challenge.national_id,
        mobile=challenge.mobile,
        status="active",
        language=challenge.language,
        channel=channel,
        enrolled_at=now,
    )
    if not await CitizenRepository(session).add_unless_taken(citizen):
        taken = await citizens.by_national_id(session, national_id=challenge.national_id)
        raise ProblemError("already_enrolled" if taken else "mobile_in_use", status=409)
    await record(
        session,
        CitizenEnrolled(citizen_id=citizen.id, national_id=citizen.national_id, channel=channel, enrolled_at=now),
    )
    return citizen
