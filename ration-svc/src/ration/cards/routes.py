"""`/v1/ration-card`: the caller's card, members, entitlement and decision history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from kit import db
from kit.app import Session
from kit.auth import CurrentCitizen
from kit.errors import responses
from ration.cards import service
from ration.cards.models import Household
from ration.cards.schemas import CardOut, MemberOut, ReplacementIn, ReplacementOut
from ration.eligibility.repository import DecisionRepository
from ration.eligibility.schemas import DecisionOut, DecisionPage

router = APIRouter(prefix="/v1/ration-card", tags=["ration card"])


async def _card_out(session: Session, household: Household) -> CardOut:
    members = await service.members(session, household_id=household.id)
    page = await DecisionRepository(session).history(household.id, limit=10, cursor=None)
    history = [DecisionOut.of(d) for d in page.items]
    current = next((d for d in history if d.id == household.current_decision_id), None)
    return CardOut(
        id=household.id,
        card_number=household.card_number,
        governorate=household.governorate,
        supply_office=household.supply_office,
        status=household.status,
        holder_national_id=household.holder_national_id,
        members=[MemberOut.model_validate(m) for m in members],
        decision=current,
        history=history,
    )


@router.get("", response_model=CardOut, responses=responses(401, 403, 404))
async def my_card(caller: CurrentCitizen, session: Session) -> CardOut:
    """The ration card that lists the signed-in citizen (by national ID)."""
    await db.snapshot(session)  # the card, its members and its decision as of one moment
    return await _card_out(session, await service.card_of(session, caller=caller))


@router.get("/{card_id}", response_model=CardOut, responses=responses(401, 403, 404, 422))
async def card(card_id: UUID, caller: CurrentCitizen, session: Session) -> CardOut:
    await db.snapshot(session)
    return await _card_out(session, await service.card_for(session, caller=caller, card_id=card_id))


@router.get("/{card_id}/decisions", response_model=DecisionPage, responses=responses(401, 403, 404, 422))
async def decisions(
    card_id: UUID,
    caller: CurrentCitizen,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> DecisionPage:
    """Every decision on the card, newest first: eligible today, maybe not tomorrow."""
    household = await service.card_for(session, caller=caller, card_id=card_id)
    page = await DecisionRepository(session).history(household.id, limit=limit, cursor=cursor)
    return DecisionPage(items=[DecisionOut.of(d) for d in page.items], next_cursor=page.next_cursor)


@router.post(
    "/{card_id}/replacements",
    status_code=201,
    response_model=ReplacementOut,
    responses=responses(401, 403, 404, 409, 422),
)
async def replace(card_id: UUID, body: ReplacementIn, caller: CurrentCitizen, session: Session) -> ReplacementOut:
    """A replacement card (بدل تالف / بدل فاقد): a new number; the old one stops working at once."""
    household = await service.card_for(session, caller=caller, card_id=card_id)
    old, new = await service.replace_card(session, household=household, caller=caller, reason=body.reason)
    return ReplacementOut(
        card_id=household.id,
        new_card_number=new,
        invalidated_card_number=old,
        reason=body.reason,
        fee_status="not_charged",
    )
