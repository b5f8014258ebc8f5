from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.app import Session
from kit.auth import CurrentCaller, CurrentCitizen
from kit.errors import responses
from payment.deps import Ctx, IdempotencyKey, Now
from payment.intents import service
from payment.intents.schemas import ConfirmIntent, CreateIntent, IntentOut, IntentPage, TransitionOut

router = APIRouter(prefix="/v1/payments", tags=["payments"])


@router.post("", status_code=201, response_model=IntentOut, responses=responses(401, 403, 409, 422, 503))
async def create_intent(
    body: CreateIntent,
    idempotency_key: IdempotencyKey,
    caller: CurrentCitizen,
    session: Session,
    ctx: Ctx,
    now: Now,
    response: Response,
) -> IntentOut:
    """Start paying an order at the price locked by a signed quote. Safe to retry with the same
    `Idempotency-Key`: the same intent comes back (`Idempotent-Replayed: true`)."""
    intent, created = await service.create(
        session,
        citizen_id=service.citizen_id_of(caller),
        idempotency_key=idempotency_key,
        body=body,
        verify_quote=ctx.resources.quotes.verify,
        ttl_minutes=ctx.settings.ttl_minutes,
        now=now,
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return IntentOut.model_validate(intent)


@router.get("", response_model=IntentPage, responses=responses(401, 403, 422))
async def list_my_payments(
    caller: CurrentCitizen,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> IntentPage:
    page = await service.page_for(session, citizen_id=service.citizen_id_of(caller), limit=limit, cursor=cursor)
    return IntentPage(items=[IntentOut.model_validate(i) for i in page.items], next_cursor=page.next_cursor)


@router.get("/{payment_id}", response_model=IntentOut, responses=responses(401, 404))
async def get_payment(payment_id: uuid.UUID, caller: CurrentCaller, session: Session) -> IntentOut:
    return IntentOut.model_validate(await service.visible(session, payment_id=payment_id, caller=caller))


@router.get("/{payment_id}/history", response_model=list[TransitionOut], responses=responses(401, 404))
async def payment_history(payment_id: uuid.UUID, caller: CurrentCaller, session: Session) -> list[TransitionOut]:
    """The audit trail: every change of the payment, why, and who caused it."""
    rows = await service.history(session, payment_id=payment_id, caller=caller)
    return [TransitionOut.model_validate(r) for r in rows]


@router.post("/{payment_id}/confirm", response_model=IntentOut, responses=responses(401, 403, 404, 409, 422))
async def confirm_payment(
    payment_id: uuid.UUID, body: ConfirmIntent, caller: CurrentCitizen, session: Session, ctx: Ctx, now: Now
) -> IntentOut:
    """Hand the payment to the provider; `next_action` says what the citizen does next."""
    intent = await service.confirm(
        session, payment_id=payment_id, caller=caller, body=body, providers=ctx.resources.providers, now=now
    )
    return IntentOut.model_validate(intent)


@router.post("/{payment_id}/cancel", response_model=IntentOut, responses=responses(401, 403, 404, 409))
async def cancel_payment(payment_id: uuid.UUID, caller: CurrentCitizen, session: Session, now: Now) -> IntentOut:
    return IntentOut.model_validate(await service.cancel(session, payment_id=payment_id, caller=caller, now=now))
