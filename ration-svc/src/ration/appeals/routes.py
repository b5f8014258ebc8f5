"""`/v1/appeals`: citizens appeal an exclusion; ration officers work their governorate's queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from kit.app import Session
from kit.auth import CurrentCaller, CurrentCitizen, Role
from kit.errors import ProblemError, responses
from ration.appeals import service
from ration.appeals.models import Appeal
from ration.appeals.schemas import AppealDecisionIn, AppealIn, AppealOut, AppealPage
from ration.deps import Now, Officer
from ration.eligibility.schemas import FactOut

router = APIRouter(tags=["appeals"])
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]


def _out(appeal: Appeal, *, now: datetime) -> AppealOut:
    out = AppealOut.model_validate(appeal)
    out.overdue = appeal.status == "open" and appeal.deadline < now
    return out


@router.post(
    "/v1/ration-card/{card_id}/appeals",
    status_code=201,
    response_model=AppealOut,
    responses=responses(401, 403, 404, 409, 422),
)
async def file_appeal(card_id: UUID, body: AppealIn, caller: CurrentCitizen, session: Session, now: Now) -> AppealOut:
    """Appeal (تظلم) the card's current exclusion, within the appeal window, stating the grounds."""
    appeal = await service.file(session, caller=caller, card_id=card_id, grounds=body.grounds, now=now)
    return _out(appeal, now=now)


@router.get("/v1/appeals", response_model=AppealPage, responses=responses(401, 403, 404, 422))
async def list_appeals(
    caller: CurrentCaller,
    session: Session,
    now: Now,
    status: Literal["open", "accepted", "rejected"] = "open",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> AppealPage:
    """A citizen sees their household's appeals; a ration officer the queue of their governorate."""
    if caller.kind == "citizen":
        page = await service.mine(session, caller=caller, limit=limit, cursor=cursor)
    elif caller.has_role(Role.RATION_OFFICER):
        page = await service.queue(session, officer=caller, status=status, limit=limit, cursor=cursor)
    else:
        raise ProblemError("forbidden", status=403)
    return AppealPage(items=[_out(a, now=now) for a in page.items], next_cursor=page.next_cursor)


@router.get("/v1/appeals/{appeal_id}", response_model=AppealOut, responses=responses(401, 403, 404, 422))
async def get_appeal(appeal_id: UUID, caller: CurrentCaller, session: Session, now: Now) -> AppealOut:
    """The appeal with the facts the appealed decision rests on and their verification status."""
    if caller.kind == "citizen":
        appeal = await service.get_for_citizen(session, caller=caller, appeal_id=appeal_id)
    elif caller.has_role(Role.RATION_OFFICER):
        appeal = await service.get_for_officer(session, officer=caller, appeal_id=appeal_id)
    else:
        raise ProblemError("forbidden", status=403)
    out = _out(appeal, now=now)
    out.facts = [FactOut.of(c) for c in await service.cited_facts(session, appeal=appeal)]
    return out


@router.post("/v1/appeals/{appeal_id}/decision", response_model=AppealOut, responses=responses(401, 403, 404, 409, 422))
async def decide_appeal(
    appeal_id: UUID, body: AppealDecisionIn, officer: Officer, session: Session, now: Now
) -> AppealOut:
    appeal = await service.decide(
        session,
        officer=officer,
        appeal_id=appeal_id,
        outcome=body.outcome,
        reason=body.reason,
        override_until=body.override_until,
        now=now,
    )
    return _out(appeal, now=now)
