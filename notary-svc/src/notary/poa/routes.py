from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.app import Session
from kit.errors import responses
from kit.evidence import bundle_response, bundle_responses
from notary.deps import Citizen, Ctx, EvidenceReader, Now, citizen_id
from notary.poa import service
from notary.poa.models import Status
from notary.poa.schemas import (
    CreatePoa,
    PaymentInstructions,
    PoaOut,
    PoaPage,
    QuoteOut,
    QuoteRequest,
    ReasonIn,
    ScopeOut,
    TransitionOut,
)
from notary.poa.scopes import SCOPES

router = APIRouter(prefix="/v1/powers-of-attorney", tags=["powers of attorney"])


@router.get("/scopes", responses=responses(404))
async def list_power_of_attorney_scopes() -> list[ScopeOut]:
    """The scope templates; a general one includes `general_management`, a special one does not."""
    return [ScopeOut(code=s.code, ar=s.ar, en=s.en, general=s.general) for s in SCOPES]


@router.post("", status_code=201, responses=responses(401, 403, 409, 422, 503))
async def create_power_of_attorney(body: CreatePoa, caller: Citizen, session: Session, ctx: Ctx, now: Now) -> PoaOut:
    """Draft a power of attorney: you are the principal; agents are checked against the registry."""
    poa = await service.draft(
        session,
        citizen_id=citizen_id(caller),
        national_id=caller.national_id or "",
        body=body,
        registry=ctx.resources.registry,
        settings=ctx.settings,
        now=now,
    )
    return PoaOut.of(poa, now=now)


@router.get("", responses=responses(401, 403, 422))
async def list_my_powers_of_attorney(
    caller: Citizen,
    session: Session,
    now: Now,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> PoaPage:
    page = await service.page_for(
        session, citizen_id=citizen_id(caller), status=status.value if status else None, limit=limit, cursor=cursor
    )
    return PoaPage(items=[PoaOut.of(p, now=now) for p in page.items], next_cursor=page.next_cursor)


@router.get("/{poa_id}", responses=responses(401, 403, 404, 422))
async def get_power_of_attorney(poa_id: uuid.UUID, caller: Citizen, session: Session, now: Now) -> PoaOut:
    return PoaOut.of(await service.get(session, poa_id=poa_id, citizen_id=citizen_id(caller)), now=now)


@router.get("/{poa_id}/history", responses=responses(401, 403, 404, 422))
async def get_power_of_attorney_history(poa_id: uuid.UUID, caller: Citizen, session: Session) -> list[TransitionOut]:
    """Every status change, who caused it and when."""
    return [TransitionOut.of(t) for t in await service.history(session, poa_id=poa_id, citizen_id=citizen_id(caller))]


@router.get(
    "/{poa_id}/evidence",
    response_class=Response,
    responses={**responses(401, 403, 404, 422, 503), **bundle_responses("its issue")},
)
async def get_power_of_attorney_evidence(
    poa_id: uuid.UUID, caller: EvidenceReader, session: Session, ctx: Ctx
) -> Response:
    """The evidence of its issue: the payment event and the clerk's verification event it rests on,
    their place in the archive's hash chain and the timestamp seals, as one bundle from the
    platform's evidence archive. The principal reads their own; an auditor any."""
    ids = await service.evidence_of(session, poa_id=poa_id, caller=caller)
    return bundle_response(await ctx.resources.evidence.bundle(ids), name=f"poa-{poa_id}")


@router.post("/{poa_id}/quote", responses=responses(401, 403, 404, 409, 422, 503))
async def quote_power_of_attorney(
    poa_id: uuid.UUID, body: QuoteRequest, caller: Citizen, session: Session, ctx: Ctx, now: Now
) -> QuoteOut:
    """Lock the fee (30 minutes); pay it with `POST /v1/payments` using `payment`."""
    poa, locked = await service.quote(
        session,
        poa_id=poa_id,
        citizen_id=citizen_id(caller),
        channel=body.channel,
        method=body.method,
        catalog=ctx.resources.catalog,
        now=now,
    )
    return QuoteOut(
        service_code=locked.service_code,
        amount_piastres=locked.total_piastres,
        lines=[line.model_dump() for line in locked.lines],
        expires_at=locked.expires_at,
        payment=PaymentInstructions(order_id=str(poa.id), quote=locked.token, method=locked.method),
    )


@router.post("/{poa_id}/cancellation", responses=responses(401, 403, 404, 409, 422))
async def cancel_power_of_attorney(
    poa_id: uuid.UUID, caller: Citizen, session: Session, now: Now, body: ReasonIn | None = None
) -> PoaOut:
    """Cancel before verification; a paid fee is refunded in full."""
    reason = body.reason if body else None
    poa = await service.cancel(session, poa_id=poa_id, citizen_id=citizen_id(caller), reason=reason, now=now)
    return PoaOut.of(poa, now=now)


@router.post("/{poa_id}/revocation", responses=responses(401, 403, 404, 409, 422))
async def revoke_power_of_attorney(
    poa_id: uuid.UUID, caller: Citizen, session: Session, now: Now, body: ReasonIn | None = None
) -> PoaOut:
    """Revoke an issued power of attorney; verification says `revoked` from now on."""
    reason = body.reason if body else None
    poa = await service.revoke(session, poa_id=poa_id, citizen_id=citizen_id(caller), reason=reason, now=now)
    return PoaOut.of(poa, now=now)
