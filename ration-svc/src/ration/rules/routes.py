"""`/v1/ration-rules`: rule sets drafted, simulated and scheduled by ration officers (audited)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from kit.app import Session
from kit.errors import responses
from ration.deps import Now, Officer
from ration.rules import service
from ration.rules.models import RuleSet
from ration.rules.schemas import (
    GovernorateImpact,
    RuleSetIn,
    RuleSetOut,
    RuleSetPage,
    RuleSetPatch,
    ScheduleIn,
    SimulationOut,
)

router = APIRouter(prefix="/v1/ration-rules", tags=["ration rules"])


def _out(rule_set: RuleSet) -> RuleSetOut:
    return RuleSetOut.model_validate(rule_set, from_attributes=True)


@router.get("", response_model=RuleSetPage, responses=responses(401, 403, 422))
async def list_rule_sets(
    _: Officer,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> RuleSetPage:
    page = await service.list_all(session, limit=limit, cursor=cursor)
    return RuleSetPage(items=[_out(r) for r in page.items], next_cursor=page.next_cursor)


@router.post("", status_code=201, response_model=RuleSetOut, responses=responses(401, 403, 409, 422))
async def draft_rule_set(body: RuleSetIn, officer: Officer, session: Session) -> RuleSetOut:
    return _out(await service.create_draft(session, data=body, actor=officer.subject))


@router.get("/{rule_set_id}", response_model=RuleSetOut, responses=responses(401, 403, 404, 422))
async def get_rule_set(rule_set_id: UUID, _: Officer, session: Session) -> RuleSetOut:
    return _out(await service.get(session, rule_set_id=rule_set_id))


@router.patch("/{rule_set_id}", response_model=RuleSetOut, responses=responses(401, 403, 404, 409, 422))
async def edit_rule_set(
    rule_set_id: UUID, body: RuleSetPatch, officer: Officer, session: Session, now: Now
) -> RuleSetOut:
    rule_set = await service.update_draft(session, rule_set_id=rule_set_id, patch=body, actor=officer.subject, now=now)
    return _out(rule_set)


@router.post("/{rule_set_id}/simulation", response_model=SimulationOut, responses=responses(401, 403, 404, 422))
async def simulate_rule_set(
    rule_set_id: UUID,
    _: Officer,
    session: Session,
    at: Now,
    governorate: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
) -> SimulationOut:
    """How many households this rule set would exclude, per governorate, on today's facts."""
    rule_set, rows = await service.simulate(session, rule_set_id=rule_set_id, governorate=governorate, now=at)
    impacts = [
        GovernorateImpact(
            governorate=r.governorate,
            households=r.households,
            excluded=r.excluded,
            newly_excluded=r.newly_excluded,
            newly_eligible=r.newly_eligible,
            by_reason=r.by_reason,
        )
        for r in rows
    ]
    return SimulationOut(
        rule_set_id=rule_set.id,
        version=rule_set.version,
        simulated_at=at,
        governorates=impacts,
        total_households=sum(i.households for i in impacts),
        total_excluded=sum(i.excluded for i in impacts),
    )


@router.post("/{rule_set_id}/schedule", response_model=RuleSetOut, responses=responses(401, 403, 404, 409, 422))
async def schedule_rule_set(
    rule_set_id: UUID, body: ScheduleIn, officer: Officer, session: Session, now: Now
) -> RuleSetOut:
    """Schedule a draft to go live at `effective_from`; if that is now or past, it goes live at once
    and every household is re-evaluated in the same transaction."""
    rule_set = await service.schedule(
        session, rule_set_id=rule_set_id, effective_from=body.effective_from, actor=officer.subject, now=now
    )
    return _out(rule_set)
