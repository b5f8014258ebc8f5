"""`/v1/webhooks`: an integrator's subscriptions, their delivery log and replays."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from gateway.deps import Ctx, Now
from gateway.integrators import service as integrators
from gateway.integrators.models import Integrator
from gateway.webhooks import service
from gateway.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPage,
    SubscriptionPatch,
)
from kit.app import Session
from kit.auth import Caller, CurrentCaller
from kit.errors import ProblemError, responses

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


async def _integrator_caller(caller: CurrentCaller) -> Caller:
    if caller.kind != "integrator":
        raise ProblemError("forbidden", status=403)
    return caller


IntegratorCaller = Annotated[Caller, Depends(_integrator_caller)]
Limit = Annotated[int, Query(ge=1, le=100)]


async def _account(session: Session, caller: IntegratorCaller) -> Integrator:
    return await integrators.active(session, integrator_id=caller.subject)


Account = Annotated[Integrator, Depends(_account)]


def _https_only(ctx: Ctx) -> bool:
    return ctx.settings.environment == "production"


@router.post(
    "",
    status_code=201,
    summary="Subscribe an endpoint to event types (within the integrator's events: scopes)",
    responses=responses(401, 403, 409, 422),
)
async def create_subscription(
    body: SubscriptionIn, session: Session, caller: IntegratorCaller, account: Account, ctx: Ctx, now: Now
) -> SubscriptionCreated:
    gateway = ctx.resources
    subscription, secret = await service.create(
        session,
        integrator=account,
        token_scopes=caller.scopes,
        body=body,
        https_only=_https_only(ctx),
        targets=gateway.webhook_targets,
        limit=ctx.settings.webhook_max_per_integrator,
        sealer=gateway.sealer,
        now=now,
    )
    out = SubscriptionOut.model_validate(subscription).model_dump()
    return SubscriptionCreated(**out, secret=secret)


@router.get("", summary="My subscriptions", responses=responses(401, 403, 422))
async def list_subscriptions(
    session: Session, account: Account, cursor: str | None = None, limit: Limit = 20
) -> SubscriptionPage:
    found = await service.page(session, integrator=account, limit=limit, cursor=cursor)
    return SubscriptionPage(
        items=[SubscriptionOut.model_validate(s) for s in found.items], next_cursor=found.next_cursor
    )


@router.get("/{subscription_id}", summary="One subscription", responses=responses(401, 403, 404, 422))
async def get_subscription(subscription_id: uuid.UUID, session: Session, account: Account) -> SubscriptionOut:
    found = await service.get(session, integrator=account, subscription_id=subscription_id)
    return SubscriptionOut.model_validate(found)


@router.patch(
    "/{subscription_id}",
    summary="Change the URL or filter, disable, or re-enable (held deliveries are then sent)",
    responses=responses(401, 403, 404, 422),
)
async def change_subscription(
    subscription_id: uuid.UUID, body: SubscriptionPatch, session: Session, account: Account, ctx: Ctx, now: Now
) -> SubscriptionOut:
    changed = await service.change(
        session,
        integrator=account,
        subscription_id=subscription_id,
        body=body,
        https_only=_https_only(ctx),
        targets=ctx.resources.webhook_targets,
        now=now,
    )
    return SubscriptionOut.model_validate(changed)


@router.delete("/{subscription_id}", status_code=204, summary="Unsubscribe", responses=responses(401, 403, 404, 422))
async def delete_subscription(subscription_id: uuid.UUID, session: Session, account: Account) -> Response:
    await service.delete(session, integrator=account, subscription_id=subscription_id)
    return Response(status_code=204)


@router.get(
    "/{subscription_id}/deliveries", summary="The delivery log, newest last", responses=responses(401, 403, 404, 422)
)
async def list_deliveries(
    subscription_id: uuid.UUID,
    session: Session,
    account: Account,
    status: Literal["pending", "delivered", "failed", "held"] | None = None,
    cursor: str | None = None,
    limit: Limit = 20,
) -> DeliveryPage:
    found = await service.deliveries(
        session, integrator=account, subscription_id=subscription_id, status=status, limit=limit, cursor=cursor
    )
    return DeliveryPage(items=[DeliveryOut.model_validate(d) for d in found.items], next_cursor=found.next_cursor)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    status_code=202,
    summary="Send a delivery again (same webhook-id)",
    responses=responses(401, 403, 404, 409, 422),
)
async def replay_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, session: Session, account: Account, ctx: Ctx, now: Now
) -> DeliveryOut:
    delivery = await service.replay(
        session, integrator=account, subscription_id=subscription_id, delivery_id=delivery_id, now=now
    )
    worker = ctx.resources.webhook_worker
    if worker is not None:
        worker.wakeup.set()  # before commit: the worker then polls again shortly
    return DeliveryOut.model_validate(delivery)
