from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from kit import errors
from kit.app import Session
from kit.errors import responses
from payment.deps import Ctx, Now
from payment.notifications import service
from payment.notifications.schemas import Outcome
from payment.providers import signing

router = APIRouter(prefix="/v1/provider-notifications", tags=["provider notifications"])

MAX_BYTES = 64 * 1024


@router.post(
    "/{provider}",
    response_model=Outcome,
    responses=responses(401, 404, 413, 422),
    openapi_extra={
        "parameters": [{"name": signing.HEADER, "in": "header", "required": True, "schema": {"type": "string"}}]
    },
)
async def provider_notification(
    provider: Literal["card", "wallet", "post_office", "cash_network"],
    request: Request,
    session: Session,
    ctx: Ctx,
    now: Now,
) -> Response:
    """Where providers post signed notifications: `Shubbak-Signature: t=<unix>,v1=<HMAC-SHA256 hex
    of "<t>.<body>">`. Unsigned, stale or tampered ones are refused (401) and logged; a repeat
    of one already applied answers 200 `duplicate` and changes nothing."""
    body = await request.body()
    if len(body) > MAX_BYTES:
        return errors.problem_response(request.url.path, code="payload_too_large", status=413)
    received = await service.receive(
        session,
        provider_name=provider,
        body=body,
        signature=request.headers.get(signing.HEADER),
        secret=ctx.settings.notification_secret(provider),
        window_seconds=ctx.settings.notification_window_seconds,
        providers=ctx.resources.providers,
        policy=ctx.resources.policy,
        now=now,
        source=_source(request),
        refusals_kept=ctx.settings.notification_refusals_kept,
    )
    if received.status == 401:
        # Returned, not raised: the refusal is logged in this request's transaction.
        return errors.problem_response(
            request.url.path, code="notification_refused", status=401, params={"reason": received.reason}
        )
    if received.status == 422:
        return errors.problem_response(request.url.path, code="invalid_notification", status=422)
    return JSONResponse(Outcome(outcome=received.outcome, payment_id=received.payment_id).model_dump())


def _source(request: Request) -> str | None:
    """Where it came from: the nearest address the gateway saw (the last X-Forwarded-For entry),
    else the peer; at most 100 characters of it."""
    forwarded = request.headers.get("x-forwarded-for", "")
    nearest = forwarded.rsplit(",", 1)[-1].strip() if forwarded else None
    found = nearest or (request.client.host if request.client else None)
    return found[:100] if found else None
