from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from identity.deps import ClientAddress, Ctx, Now
from identity.sessions.schemas import TokensOut
from identity.sessions.service import access_token
from identity.staff import service, signin
from kit.app import Session
from kit.auth import Caller, Role, staff_of
from kit.errors import responses

router = APIRouter(prefix="/v1/staff", tags=["staff"])
Admin = Depends(staff_of(Role.ADMIN))
AdminOrAuditor = Depends(staff_of(Role.ADMIN, Role.AUDITOR))
Username = Path(min_length=1, max_length=64)


class StaffLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class SignInStandingOut(BaseModel):
    username: str
    last_signed_in_at: datetime | None
    failures: int = Field(description="Wrong passwords for this username within the window, from any address.")
    wait_seconds: int = Field(description="How long a sign-in from an address it never used must wait now.")
    known_addresses: int = Field(description="Addresses it signed in from lately (they skip the username's delay).")


class UnlockIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=300, description="Why (kept in the staff audit trail).")


class StaffAuditOut(BaseModel):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID
    actor_username: str
    action: str
    target_username: str
    reason: str
    details: dict[str, Any]


class StaffAuditPage(BaseModel):
    items: list[StaffAuditOut]
    next_cursor: str | None


@router.post("/sessions", status_code=201, responses=responses(401, 422, 429), response_model=TokensOut)
async def staff_login(body: StaffLogin, session: Session, ctx: Ctx, now: Now, address: ClientAddress) -> TokensOut:
    """Staff sign-in: a staff access token carrying roles, office and governorate. Wrong passwords
    slow further attempts down (429 with Retry-After); they never lock the account."""
    settings = ctx.settings
    member = await signin.authenticate(
        session, settings=settings, username=body.username, password=body.password, address=address, now=now
    )
    token = await access_token(
        ctx.resources.keys, subject=str(member.id), kind="staff", ttl=settings.staff_token_seconds, now=now,
        roles=member.roles, office=member.office_id, gov=member.governorate, name=member.username,
    )  # fmt: skip
    return TokensOut(access_token=token, expires_in=settings.staff_token_seconds)


@router.get("/accounts/{username}/sign-in", responses=responses(401, 403, 404))
async def sign_in_standing(
    session: Session, ctx: Ctx, now: Now, username: str = Username, caller: Caller = AdminOrAuditor
) -> SignInStandingOut:
    """Administrators and auditors: a username's recent wrong passwords and the delay they impose."""
    found = await signin.standing(session, settings=ctx.settings, username=username, now=now)
    return SignInStandingOut(
        username=found.username,
        last_signed_in_at=found.last_signed_in_at,
        failures=found.failures,
        wait_seconds=int(found.wait_seconds + 0.999),
        known_addresses=found.known_addresses,
    )


@router.post("/accounts/{username}/sign-in/unlock", responses=responses(401, 403, 404, 422))
async def unlock_sign_in(
    body: UnlockIn, session: Session, now: Now, username: str = Username, caller: Caller = Admin
) -> StaffAuditOut:
    """Administrators: clear a username's wrong-password record (every delay it imposes), with a reason; audited."""
    admin = await service.get_active(session, staff_id=uuid.UUID(caller.subject))
    entry = await signin.unlock(session, admin=admin, username=username, reason=body.reason, now=now)
    return StaffAuditOut.model_validate(entry, from_attributes=True)


@router.get("/audit", responses=responses(401, 403, 422))
async def staff_audit(
    session: Session,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
    caller: Caller = AdminOrAuditor,
) -> StaffAuditPage:
    """Administrators and auditors: what administrators did to staff accounts, newest first."""
    page = await signin.audit_page(session, limit=limit, cursor=cursor)
    return StaffAuditPage(
        items=[StaffAuditOut.model_validate(e, from_attributes=True) for e in page.items],
        next_cursor=page.next_cursor,
    )
