"""`/v1/ration-card`: the caller's card, members, entitlement and decision history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from kit import db
from kit.app import Session
from kit.auth import CurrentCitizen
from kit.errors import responses
from kit.evidence import bundle_response, bundle_responses
from ration.cards import replacements, service
from ration.cards.models import Household, ReplacementOrder
from ration.cards.schemas import (
    CardOut,
    MemberOut,
    QuoteIn,
    ReplacementIn,
    ReplacementOut,
    ReplacementPage,
    replacement_out,
)
from ration.deps import Ctx, EvidenceReader, Now
from ration.eligibility import service as eligibility
from ration.eligibility.schemas import DecisionOut, DecisionPage

router = APIRouter(prefix="/v1/ration-card", tags=["ration card"])
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]


async def _card_out(session: Session, household: Household, *, now: datetime) -> CardOut:
    members = await service.members(session, household_id=household.id)
    page = await eligibility.history(session, household_id=household.id, limit=10, cursor=None)
    history = [DecisionOut.of(d, now=now) for d in page.items]
    current = next((d for d in history if d.id == household.current_decision_id), None)
    return CardOut(
        id=household.id,
        card_number=household.card_number,
        governorate=household.governorate,
        supply_office=household.supply_office,
        status=household.status,
        holder_national_id=household.holder_national_id,
        card_valid=await service.card_valid(session, card_number=household.card_number),
        members=[MemberOut.model_validate(m) for m in members],
        decision=current,
        history=history,
    )


@router.get("", response_model=CardOut, responses=responses(401, 403, 404))
async def get_my_ration_card(caller: CurrentCitizen, session: Session, now: Now) -> CardOut:
    """The ration card that lists the signed-in citizen (by national ID)."""
    await db.snapshot(session)  # the card, its members and its decision as of one moment
    return await _card_out(session, await service.card_of(session, caller=caller), now=now)


@router.get("/{card_id}", response_model=CardOut, responses=responses(401, 403, 404, 422))
async def get_ration_card(card_id: UUID, caller: CurrentCitizen, session: Session, now: Now) -> CardOut:
    await db.snapshot(session)
    return await _card_out(session, await service.card_for(session, caller=caller, card_id=card_id), now=now)


@router.get("/{card_id}/decisions", response_model=DecisionPage, responses=responses(401, 403, 404, 422))
async def list_card_decisions(
    card_id: UUID, caller: CurrentCitizen, session: Session, now: Now, limit: Limit = 20, cursor: Cursor = None
) -> DecisionPage:
    """Every decision on the card, newest first: eligible today, maybe not tomorrow."""
    household = await service.card_for(session, caller=caller, card_id=card_id)
    page = await eligibility.history(session, household_id=household.id, limit=limit, cursor=cursor)
    return DecisionPage(items=[DecisionOut.of(d, now=now) for d in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{card_id}/decisions/{decision_id}/evidence",
    response_class=Response,
    responses={**responses(401, 403, 404, 422, 503), **bundle_responses("the decision")},
)
async def get_decision_evidence(
    card_id: UUID, decision_id: UUID, caller: EvidenceReader, session: Session, ctx: Ctx
) -> Response:
    """The evidence of a decision on the card: the signed facts it rests on (each traffic, electricity
    or education event), their place in the archive's hash chain and the timestamp seals, as one
    bundle from the platform's evidence archive. A member reads their own card's; a ration officer
    those of their governorate, an auditor any (each reading in the audit trail)."""
    ids = await service.decision_evidence(session, caller=caller, card_id=card_id, decision_id=decision_id)
    return bundle_response(await ctx.resources.evidence.bundle(ids), name=f"decision-{decision_id}")


def _out(order: ReplacementOrder) -> ReplacementOut:
    return replacement_out(order, next_step=replacements.next_step(order))


@router.post(
    "/{card_id}/replacements",
    status_code=201,
    response_model=ReplacementOut,
    responses=responses(401, 403, 404, 409, 422, 503),
)
async def request_replacement(
    card_id: UUID, body: ReplacementIn, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now
) -> ReplacementOut:
    """Ask for a replacement card (بدل تالف / بدل فاقد), a paid service: the fee is locked by a
    catalogue quote, then paid with `POST /v1/payments` using `payment`. A lost card's number
    stops working at once; a damaged one works until the new number is issued on payment."""
    household = await service.card_for(session, caller=caller, card_id=card_id)
    order = await replacements.request(
        session,
        household=household,
        caller=caller,
        reason=body.reason,
        channel=body.channel,
        method=body.method,
        catalog=ctx.resources.catalog,
        now=now,
    )
    return _out(order)


@router.get("/{card_id}/replacements", response_model=ReplacementPage, responses=responses(401, 403, 404, 422))
async def list_replacements(
    card_id: UUID, caller: CurrentCitizen, session: Session, limit: Limit = 20, cursor: Cursor = None
) -> ReplacementPage:
    """The card's replacement orders, newest first."""
    await db.snapshot(session)
    household = await service.card_for(session, caller=caller, card_id=card_id)
    page = await replacements.page(session, household=household, limit=limit, cursor=cursor)
    return ReplacementPage(items=[_out(o) for o in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{card_id}/replacements/{order_id}", response_model=ReplacementOut, responses=responses(401, 403, 404, 422)
)
async def get_replacement(card_id: UUID, order_id: UUID, caller: CurrentCitizen, session: Session) -> ReplacementOut:
    await db.snapshot(session)
    household = await service.card_for(session, caller=caller, card_id=card_id)
    return _out(await replacements.get(session, household=household, order_id=order_id))


@router.post(
    "/{card_id}/replacements/{order_id}/quote",
    response_model=ReplacementOut,
    responses=responses(401, 403, 404, 409, 422, 503),
)
async def requote_replacement(
    card_id: UUID, order_id: UUID, body: QuoteIn, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now
) -> ReplacementOut:
    """A new quote for an unpaid order: the previous one expired, a payment failed, or you pay
    another way."""
    household = await service.card_for(session, caller=caller, card_id=card_id)
    order = await replacements.requote(
        session,
        household=household,
        order_id=order_id,
        caller=caller,
        channel=body.channel,
        method=body.method,
        catalog=ctx.resources.catalog,
        now=now,
    )
    return _out(order)


@router.delete(
    "/{card_id}/replacements/{order_id}", response_model=ReplacementOut, responses=responses(401, 403, 404, 409, 422)
)
async def cancel_replacement(
    card_id: UUID, order_id: UUID, caller: CurrentCitizen, session: Session, now: Now
) -> ReplacementOut:
    """Cancel an unpaid order. A lost card stays stopped; a payment still in flight is refunded."""
    household = await service.card_for(session, caller=caller, card_id=card_id)
    order = await replacements.cancel(session, household=household, order_id=order_id, caller=caller, now=now)
    return _out(order)
