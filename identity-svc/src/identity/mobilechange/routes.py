from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query

from identity import validation
from identity.deps import ClientAddress, Ctx, Now
from identity.mobilechange import service
from identity.mobilechange.schemas import (
    BothCodesIn,
    MobileChangedOut,
    MobileChangeIn,
    MobileChangeOut,
    MobileChangesOut,
    OfficeCodeIn,
    OfficeMobileChangeIn,
)
from identity.sessions import service as tokens
from identity.sessions.schemas import TokensOut
from kit.app import Session
from kit.auth import Caller, CurrentCitizen, Role, staff_of
from kit.errors import responses

router = APIRouter(tags=["mobile change"])
Clerk = Depends(staff_of(Role.OFFICE_CLERK))


@router.post("/v1/me/mobile-changes", status_code=202, responses=responses(401, 403, 404, 409, 422, 429, 503))
async def start_change(
    body: MobileChangeIn, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now, client: ClientAddress
) -> MobileChangeOut:
    """Change your mobile: a code goes to your current number and one to the new number."""
    started = await service.start_self(
        session, settings=ctx.settings, sender=ctx.resources.sms, citizen_id=uuid.UUID(caller.subject),
        new_mobile=body.mobile, client=client, now=now,
    )  # fmt: skip
    return MobileChangeOut.of(started.change, started.challenge, cooldown=ctx.settings.otp_resend_cooldown_seconds)


@router.post(
    "/v1/me/mobile-changes/{change_id}/codes", status_code=202, responses=responses(401, 403, 404, 409, 429, 503)
)
async def resend_codes(
    change_id: uuid.UUID, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now
) -> MobileChangeOut:
    """Send new codes (after the cool-down; a few times at most)."""
    started = await service.resend(
        session, settings=ctx.settings, sender=ctx.resources.sms, change_id=change_id, channel="self",
        owner=uuid.UUID(caller.subject), now=now,
    )  # fmt: skip
    return MobileChangeOut.of(started.change, started.challenge, cooldown=ctx.settings.otp_resend_cooldown_seconds)


@router.post("/v1/me/mobile-changes/{change_id}/verification", responses=responses(401, 403, 404, 409, 410, 422, 429))
async def verify_change(
    change_id: uuid.UUID, body: BothCodesIn, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now
) -> MobileChangedOut:
    """Both codes: the new number is yours, every session is signed out, and this one gets new tokens."""
    old_code = validation.otp_code(body.old_code, "body.old_code")
    new_code = validation.otp_code(body.new_code, "body.new_code")
    citizen_id = uuid.UUID(caller.subject)

    change = await service.verify_self(
        session, settings=ctx.settings, citizen_id=citizen_id, change_id=change_id, old_code=old_code,
        new_code=new_code, now=now,
    )  # fmt: skip
    pair = await tokens.issue_pair(
        session, keyring=ctx.resources.keys, settings=ctx.settings, citizen_id=citizen_id, now=now
    )
    return MobileChangedOut(change=MobileChangeOut.of(change), tokens=TokensOut(**pair.__dict__))


@router.get("/v1/me/mobile-changes", responses=responses(401, 403, 422))
async def my_changes(
    caller: CurrentCitizen,
    session: Session,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
) -> MobileChangesOut:
    """Every request to change your mobile, whoever made it and whatever became of it."""
    page = await service.history(session, citizen_id=uuid.UUID(caller.subject), limit=limit, cursor=cursor)
    return MobileChangesOut(items=[MobileChangeOut.of(c) for c in page.items], next_cursor=page.next_cursor)


@router.post("/v1/staff/mobile-changes", status_code=202, responses=responses(401, 403, 404, 409, 422, 429, 503))
async def start_office_change(
    body: OfficeMobileChangeIn, session: Session, ctx: Ctx, now: Now, caller: Caller = Clerk
) -> MobileChangeOut:
    """Office visit (old SIM lost): after checking the citizen's ID document, send a code to the new number."""
    started = await service.start_office(
        session, settings=ctx.settings, sender=ctx.resources.sms, staff_id=uuid.UUID(caller.subject),
        national_id=body.national_id, new_mobile=body.mobile, document_kind=body.document.kind,
        document_number=body.document.number, document_expires_on=body.document.expires_on, reason=body.reason,
        now=now,
    )  # fmt: skip
    return MobileChangeOut.of(started.change, started.challenge, cooldown=ctx.settings.otp_resend_cooldown_seconds)


@router.post(
    "/v1/staff/mobile-changes/{change_id}/code", status_code=202, responses=responses(401, 403, 404, 409, 429, 503)
)
async def resend_office_code(
    change_id: uuid.UUID, session: Session, ctx: Ctx, now: Now, caller: Caller = Clerk
) -> MobileChangeOut:
    started = await service.resend(
        session, settings=ctx.settings, sender=ctx.resources.sms, change_id=change_id, channel="office",
        owner=uuid.UUID(caller.subject), now=now,
    )  # fmt: skip
    return MobileChangeOut.of(started.change, started.challenge, cooldown=ctx.settings.otp_resend_cooldown_seconds)


@router.post(
    "/v1/staff/mobile-changes/{change_id}/verification", responses=responses(401, 403, 404, 409, 410, 422, 429)
)
async def verify_office_change(
    change_id: uuid.UUID, body: OfficeCodeIn, session: Session, ctx: Ctx, now: Now, caller: Caller = Clerk
) -> MobileChangeOut:
    """The code the citizen read at the desk: the new number is applied and every session signed out."""
    code = validation.otp_code(body.code)

    change = await service.verify_office(
        session, settings=ctx.settings, staff_id=uuid.UUID(caller.subject), change_id=change_id, code=code, now=now
    )
    return MobileChangeOut.of(change)
