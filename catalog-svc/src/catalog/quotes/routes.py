from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from catalog.deps import Admin, Ctx, Now, ServiceCodePath
from catalog.quotes import service
from catalog.quotes.schemas import OrderQuoteIn, QuoteOut, SigningKeyOut
from contracts.fields import Channel, PaymentMethod
from kit.app import Session
from kit.errors import responses
from kit.http_cache import NO_STORE, cacheable, cached_json
from kit.internal import ServiceOnly

router = APIRouter(tags=["quotes"])


@router.get("/v1/services/{code}/quote", response_model=QuoteOut, responses=responses(404, 409, 422))
async def quote_service(
    code: ServiceCodePath,
    channel: Channel,
    method: PaymentMethod,
    session: Session,
    ctx: Ctx,
    now: Now,
    governorate: Annotated[str | None, Query(pattern=r"^[0-9]{2}$", examples=["03"])] = None,
) -> Response:
    """The fee breakdown for a channel and payment method, locked for 30 minutes by a signed
    quote. Refused (409) where the service is not live yet. To see a fee: a payment needs the
    quote of an order, which the service that owns the order gives (bound to the order and you)."""
    issued = await service.issue(
        session,
        keys=ctx.resources.keys,
        service_code=code,
        channel=channel,
        method=method,
        governorate=governorate,
        now=now,
        ttl=ctx.resources.quote_ttl,
    )
    return JSONResponse(issued.model_dump(mode="json"), headers=NO_STORE)


@router.post("/internal/quotes", status_code=201, include_in_schema=False, dependencies=[ServiceOnly])
async def order_quote(body: OrderQuoteIn, session: Session, ctx: Ctx, now: Now) -> Response:
    """Service-to-service: the quote of one order of the calling service, bound to the order and its
    citizen (the only quote payment-svc takes a payment with). Not routed by the gateway."""
    issued = await service.issue(
        session,
        keys=ctx.resources.keys,
        service_code=body.service_code,
        channel=body.channel,
        method=body.method,
        governorate=body.governorate,
        now=now,
        ttl=ctx.resources.quote_ttl,
        order_ref=body.order_ref,
        citizen_id=body.citizen_id,
    )
    return JSONResponse(issued.model_dump(mode="json"), status_code=201, headers=NO_STORE)


@router.get("/v1/quotes/{quote_id}", response_model=QuoteOut, responses=cacheable(404, 422))
async def get_quote(request: Request, quote_id: uuid.UUID, session: Session) -> Response:
    """An issued quote, exactly as issued (it never changes)."""
    found = await service.get(session, quote_id=quote_id)
    return cached_json(request, found, max_age=3600, public=False)


@router.post("/v1/quotes/signing-keys", status_code=201, responses=responses(401, 403))
async def rotate_signing_key(session: Session, ctx: Ctx, _admin: Admin, now: Now) -> SigningKeyOut:
    """Start signing quotes with a new key; the previous one stays published for verification."""
    return SigningKeyOut(kid=await ctx.resources.keys.rotate(session, now=now))


@router.get("/.well-known/quote-keys.json", include_in_schema=False)
async def quote_keys(request: Request, session: Session, ctx: Ctx, now: Now) -> Response:
    return cached_json(request, await ctx.resources.keys.jwks(session, now=now), max_age=300)
