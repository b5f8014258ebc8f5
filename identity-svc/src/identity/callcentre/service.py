"""Call-centre protection: a masked view by default; more only with the citizen's consent
code, a stated reason, for a limited time, scoped to that citizen; every step logged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.governorates import BY_CODE
from identity.accesslog import service as access_log
from identity.callcentre.models import AccessGrant
from identity.callcentre.repository import AccessGrantRepository
from identity.citizens import service as citizens
from identity.citizens.service import Profile
from identity.otp import service as otp
from identity.otp.models import OtpChallenge
from identity.settings import Settings
from identity.sms.provider import FailoverSender
from identity.staff import service as staff_service
from kit import i18n
from kit.errors import ProblemError


@dataclass(frozen=True)
class MaskedView:
    citizen_id: uuid.UUID
    initials: str
    governorate: str | None
    mobile_last_digits: str
    governorate_code: str | None


def _initials(full_name: str) -> str:
    words = [w for w in full_name.split() if w != "عبد"]
    return " ".join(f"{w[0]}." for w in words[:4])


async def lookup(
    session: AsyncSession, *, agent_id: uuid.UUID, national_id: str, reason: str, now: datetime
) -> MaskedView:
    agent = await staff_service.get_active(session, staff_id=agent_id)
    citizen = await citizens.by_national_id(session, national_id=national_id)
    if citizen is None:
        raise ProblemError("citizen_not_found", status=404)
    profile = await citizens.profile(session, citizen_id=citizen.id)
    await access_log.append(session, citizen_id=citizen.id, staff=agent, action="masked_lookup", reason=reason, now=now)
    gov = BY_CODE.get(profile.person.governorate)
    return MaskedView(
        citizen_id=citizen.id,
        initials=_initials(profile.person.full_name_ar),
        governorate=i18n.Words(ar=gov.name_ar, en=gov.name_en).localize(i18n.current_language()) if gov else None,
        mobile_last_digits=citizen.mobile[-2:],
        governorate_code=gov.code if gov else None,
    )


async def request_consent(
    session: AsyncSession,
    *,
    settings: Settings,
    sender: FailoverSender,
    agent_id: uuid.UUID,
    citizen_id: uuid.UUID,
    now: datetime,
) -> OtpChallenge:
    agent = await staff_service.get_active(session, staff_id=agent_id)
    profile = await citizens.profile(session, citizen_id=citizen_id)
    c = profile.citizen
    # Per citizen (their phone is not an agent's to flood) and per agent; never one bucket for the centre.
    await otp.throttle(
        session, settings=settings, bucket="consent", value=str(c.id), limit=settings.limit_per_national_id, now=now
    )
    await otp.throttle(
        session, settings=settings, bucket="consent_agent", value=str(agent.id), limit=settings.limit_per_staff,
        now=now,
    )  # fmt: skip
    challenge = await otp.issue(
        session, settings=settings, sender=sender, purpose="consent", national_id=c.national_id, mobile=c.mobile,
        citizen_id=c.id, requested_by=agent.id, language=c.language, now=now,
    )  # fmt: skip
    await access_log.append(session, citizen_id=c.id, staff=agent, action="consent_requested", now=now)
    return challenge


async def grant(
    session: AsyncSession,
    *,
    settings: Settings,
    agent_id: uuid.UUID,
    consent_id: uuid.UUID,
    code: str,
    reason: str,
    now: datetime,
) -> AccessGrant:
    agent = await staff_service.get_active(session, staff_id=agent_id)
    challenge = await otp.verify(
        session, settings=settings, challenge_id=consent_id, purpose="consent", code=code, requested_by=agent.id,
        now=now,
    )  # fmt: skip
    assert challenge.citizen_id is not None
    access = AccessGrant(
        id=uuid.uuid4(), citizen_id=challenge.citizen_id, staff_id=agent.id, consent_id=challenge.id, reason=reason,
        granted_at=now, expires_at=now + timedelta(minutes=settings.consent_access_minutes),
    )  # fmt: skip
    await AccessGrantRepository(session).add(access)
    await access_log.append(
        session, citizen_id=challenge.citizen_id, staff=agent, action="access_granted", reason=reason, now=now
    )
    return access


async def view(session: AsyncSession, *, agent_id: uuid.UUID, citizen_id: uuid.UUID, now: datetime) -> Profile:
    agent = await staff_service.get_active(session, staff_id=agent_id)
    access = await AccessGrantRepository(session).valid(staff_id=agent.id, citizen_id=citizen_id, at=now)
    if access is None:
        raise ProblemError("no_access_grant", status=403)
    profile = await citizens.profile(session, citizen_id=citizen_id)
    await access_log.append(
        session, citizen_id=citizen_id, staff=agent, action="profile_viewed", reason=access.reason, now=now
    )
    return profile
