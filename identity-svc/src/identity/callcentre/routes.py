from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from identity import validation
from identity.callcentre import service
from identity.citizens.schemas import MeOut
from identity.deps import Ctx, Now
from identity.enrolment.routes import challenge_out
from identity.enrolment.schemas import ChallengeOut
from kit.app import Session
from kit.auth import Caller, Role, staff_of
from kit.clock import local_day
from kit.errors import responses

router = APIRouter(prefix="/v1/call-centre", tags=["call centre"])
Agent = Depends(staff_of(Role.CALL_CENTRE_AGENT))


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    national_id: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=3, max_length=300, description="Why the agent looks the citizen up.")


class MaskedOut(BaseModel):
    citizen_id: uuid.UUID
    initials: str
    governorate: str | None = Field(description="The governorate's name in the caller's language.")
    mobile_last_digits: str
    governorate_code: str | None = None


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    citizen_id: uuid.UUID


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=20, examples=["482913"])
    reason: str = Field(min_length=3, max_length=300, examples=["المواطن يستفسر عن حالة طلب بطاقة التموين"])


class GrantOut(BaseModel):
    citizen_id: uuid.UUID
    expires_at: datetime


@router.post("/lookups", responses=responses(401, 403, 404, 422))
async def lookup_citizen(body: LookupIn, session: Session, now: Now, caller: Caller = Agent) -> MaskedOut:
    """A masked view of an enrolled citizen (initials, governorate, last digits of the mobile)."""
    nid, _ = validation.national_id_and_mobile(body.national_id, None, today=local_day(now))
    view = await service.lookup(
        session, agent_id=uuid.UUID(caller.subject), national_id=nid.value, reason=body.reason, now=now
    )
    return MaskedOut(**view.__dict__)


@router.post("/consents", status_code=202, responses=responses(401, 403, 404, 429, 503), response_model=ChallengeOut)
async def request_consent(
    body: ConsentIn, session: Session, ctx: Ctx, now: Now, caller: Caller = Agent
) -> ChallengeOut:
    """Send the citizen a one-time consent code by SMS; they read it to the agent."""

    challenge = await service.request_consent(
        session, settings=ctx.settings, sender=ctx.resources.sms, agent_id=uuid.UUID(caller.subject),
        citizen_id=body.citizen_id, now=now,
    )  # fmt: skip
    return challenge_out(challenge, ctx.settings)


@router.post(
    "/consents/{consent_id}/grant",
    status_code=201,
    responses=responses(401, 403, 404, 409, 410, 422, 429),
    response_model=GrantOut,
)
async def grant_access(
    consent_id: uuid.UUID, body: GrantIn, session: Session, ctx: Ctx, now: Now, caller: Caller = Agent
) -> GrantOut:
    """With the citizen's code and a reason: access to that citizen for a few minutes."""
    code = validation.otp_code(body.code)

    access = await service.grant(
        session, settings=ctx.settings, agent_id=uuid.UUID(caller.subject), consent_id=consent_id, code=code,
        reason=body.reason, now=now,
    )  # fmt: skip
    return GrantOut(citizen_id=access.citizen_id, expires_at=access.expires_at)


@router.get("/citizens/{citizen_id}", responses=responses(401, 403, 404))
async def citizen_record(citizen_id: uuid.UUID, session: Session, now: Now, caller: Caller = Agent) -> MeOut:
    """The citizen's full record, only under a valid consent grant (logged)."""
    return MeOut.of(await service.view(session, agent_id=uuid.UUID(caller.subject), citizen_id=citizen_id, now=now))
