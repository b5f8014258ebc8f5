from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from identity.accesslog import service
from kit.app import Session
from kit.auth import Caller, CurrentCitizen, Role, staff_of
from kit.errors import responses

router = APIRouter(tags=["access log"])


class AccessEntryOut(BaseModel):
    at: datetime
    action: str
    reason: str | None
    staff_id: uuid.UUID
    staff_roles: list[str]
    office_id: str | None = None


class AccessLogOut(BaseModel):
    items: list[AccessEntryOut]
    next_cursor: str | None


class ChainOut(BaseModel):
    valid: bool
    entries: int
    first_broken_seq: int | None


@router.get("/v1/me/access-log", responses=responses(401, 403, 422))
async def my_access_log(
    caller: CurrentCitizen,
    session: Session,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
) -> AccessLogOut:
    """Who among the staff looked at or acted on your data, when and why."""
    page = await service.for_citizen(session, citizen_id=uuid.UUID(caller.subject), limit=limit, cursor=cursor)
    return AccessLogOut(
        items=[
            AccessEntryOut(
                at=e.at,
                action=e.action,
                reason=e.reason,
                staff_id=e.staff_id,
                staff_roles=e.staff_roles.split(","),
                office_id=e.office_id,
            )
            for e in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/v1/staff/access-log/verification", responses=responses(401, 403))
async def verify_access_log(session: Session, caller: Caller = Depends(staff_of(Role.AUDITOR))) -> ChainOut:
    """Auditors: recompute the hash chain of the whole access log."""
    result = await service.verify_chain(session)
    return ChainOut(valid=result.valid, entries=result.entries, first_broken_seq=result.first_broken_seq)
