from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter

from identity.citizens import service as citizens
from identity.citizens.schemas import MeOut
from identity.deps import Asker, Ctx, Now
from identity.enrolment import service
from identity.enrolment.schemas import ChallengeOut, CodeIn, EnrolledOut, EnrolmentStart
from identity.mobile import mask
from identity.otp import service as otp
from identity.otp.models import OtpChallenge
from identity.sessions import service as tokens
from identity.sessions.schemas import TokensOut
from identity.settings import Settings
from identity.validation import otp_code
from kit import i18n
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/enrolments", tags=["enrolment"])


def challenge_out(challenge: OtpChallenge, settings: Settings, *, show_mobile: bool = True) -> ChallengeOut:
    return ChallengeOut(
        id=challenge.id,
        expires_at=challenge.expires_at,
        resend_after=challenge.last_sent_at + timedelta(seconds=settings.otp_resend_cooldown_seconds),
        mobile_masked=mask(challenge.mobile) if show_mobile and challenge.mobile else None,
    )


@router.post("", status_code=202, responses=responses(409, 422, 429, 503), response_model=ChallengeOut)
async def start_enrolment(body: EnrolmentStart, session: Session, ctx: Ctx, now: Now, requester: Asker) -> ChallengeOut:
    """Check the details against the civil registry and send a 6-digit code to the mobile.

    At a post office or service office the clerk sends their own staff token: the limit per
    address is then the clerk's (the limits per national ID and mobile stay)."""

    challenge = await service.start(
        session, settings=ctx.settings, sender=ctx.resources.sms, national_id=body.national_id, mobile=body.mobile,
        first_name=body.first_name, mother_first_name=body.mother_first_name, requester=requester,
        language=i18n.current_language(), now=now,
    )  # fmt: skip
    return challenge_out(challenge, ctx.settings)


@router.post("/{enrolment_id}/code", status_code=202, responses=responses(404, 409, 429, 503))
async def resend_enrolment_code(enrolment_id: uuid.UUID, session: Session, ctx: Ctx, now: Now) -> ChallengeOut:
    """Send a new code (after the cool-down; a few times at most)."""
    challenge = await otp.resend(
        session, settings=ctx.settings, sender=ctx.resources.sms, challenge_id=enrolment_id, purpose="enrol", now=now
    )
    return challenge_out(challenge, ctx.settings)


@router.post(
    "/{enrolment_id}/verification",
    status_code=201,
    responses=responses(404, 409, 410, 422, 429),
    response_model=EnrolledOut,
)
async def verify_enrolment(enrolment_id: uuid.UUID, body: CodeIn, session: Session, ctx: Ctx, now: Now) -> EnrolledOut:
    """Confirm the code: the account is active, the record filled in from the registry, and you are signed in."""
    code = otp_code(body.code)

    citizen = await service.verify(
        session, settings=ctx.settings, challenge_id=enrolment_id, code=code, channel="web", now=now
    )
    pair = await tokens.issue_pair(
        session, keyring=ctx.resources.keys, settings=ctx.settings, citizen_id=citizen.id, now=now
    )
    profile = await citizens.profile(session, citizen_id=citizen.id)
    issued = TokensOut(**pair.__dict__)
    return EnrolledOut(**issued.model_dump(), citizen=MeOut.of(profile), tokens=issued)
