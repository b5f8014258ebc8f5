from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from kit.app import Session
from kit.auth import CurrentCaller
from kit.errors import responses
from payment.deps import Ctx, IdempotencyKey, Now, Refunder
from payment.refunds import service
from payment.refunds.schemas import CreateRefund, RefundOut

router = APIRouter(prefix="/v1/payments", tags=["refunds"])


@router.post(
    "/{payment_id}/refunds", status_code=201, response_model=RefundOut, responses=responses(401, 403, 404, 409, 422)
)
async def refund_payment(
    payment_id: uuid.UUID,
    body: CreateRefund,
    idempotency_key: IdempotencyKey,
    caller: Refunder,
    session: Session,
    ctx: Ctx,
    now: Now,
    response: Response,
) -> RefundOut:
    """Return all or part of a succeeded payment (admins, or integrators with `payment:refund`)."""
    refund, created = await service.refund(
        session,
        payment_id=payment_id,
        body=body,
        idempotency_key=idempotency_key,
        caller=caller,
        providers=ctx.resources.providers,
        now=now,
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return RefundOut.model_validate(refund)


@router.get("/{payment_id}/refunds", response_model=list[RefundOut], responses=responses(401, 404))
async def list_refunds(payment_id: uuid.UUID, caller: CurrentCaller, session: Session) -> list[RefundOut]:
    refunds = await service.of_payment(session, payment_id=payment_id, caller=caller)
    return [RefundOut.model_validate(r) for r in refunds]
