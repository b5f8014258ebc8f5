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
from ration.appeals.schemas import AppealDecisionIn, AppealHousehold, AppealIn, AppealOut, AppealPage
from ration.deps import Now, Officer
from ration.eligibility.schemas import DecisionOut, FactOut

router = APIRouter(tags=["appeals"])
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]


def _out(appeal: Appeal, *, now: datetime) -> AppealOut:
    out = AppealOut.model_validate(appeal)
    out.overdue = appeal.status == "open" and appeal.deadline < now
    return out


async def _cases(session: Session, appeals: list[Appeal], *, now: datetime) -> list[AppealOut]:
    """What the deciding officer needs beside each appeal: the appealed decision explained, with
    the facts behind its reasons, and the household's card."""
    found = await service.cases(session, appeals)
    outs = []
    for appeal in appeals:
        out = _out(appeal, now=now)
        if appeal.id in found:
            decision, household, members = found[appeal.id]
            out.decision = DecisionOut.of(decision, now=now)
            out.household = AppealHousehold(
                card_number=household.card_number,
                supply_office=household.supply_office,
                holder_national_id=household.holder_national_id,
                members_count=members,
                eligible_now=household.current_eligible,
            )
        outs.append(out)
    return outs


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
    """A citizen sees their household's appeals; a ration officer the queue of their governorate,
    each with the appealed decision explained and the household's card."""
    if caller.kind == "citizen":
        page = await service.mine(session, caller=caller, limit=limit, cursor=cursor)
        return AppealPage(items=[_out(a, now=now) for a in page.items], next_cursor=page.next_cursor)
    if caller.has_role(Role.RATION_OFFICER):
        page = await service.queue(session, officer=caller, status=status, limit=limit, cursor=cursor)
        return AppealPage(items=await _cases(session, list(page.items), now=now), next_cursor=page.next_cursor)
    raise ProblemError("forbidden", status=403)


@router.get("/v1/appeals/{appeal_id}", response_model=AppealOut, responses=responses(401, 403, 404, 422))
async def get_appeal(appeal_id: UUID, caller: CurrentCaller, session: Session, now: Now) -> AppealOut:
    """The appeal with the facts the appealed decision rests on and their verification status."""
    if caller.kind == "citizen":
        appeal = await service.get_for_citizen(session, caller=caller, appeal_id=appeal_id)
        out = _out(appeal, now=now)
    elif caller.has_role(Role.RATION_OFFICER):
        appeal = await service.get_for_officer(session, officer=caller, appeal_id=appeal_id)
        out = (await _cases(session, [appeal], now=now))[0]
    else:
        raise ProblemError("forbidden", status=403)
    out.facts = [FactOut.of(c) for c in await service.cited_facts(session, appeal=appeal)]
    return out


@router.post("/v1/appeals/{appeal_id}/decision", response_model=AppealOut, responses=responses(401, 403, 404, 409, 422))
async def decide_appeal(
    appeal_id: UUID, body: AppealDecisionIn, officer: Officer, session: Session, now: Now
) -> AppealOut:
    decided = await service.decide(
        session,
        officer=officer,
        appeal_id=appeal_id,
        outcome=body.outcome,
        reason=body.reason,
        override_until=body.override_until,
        now=now,
    )
    return (await _cases(session, [decided], now=now))[0]
