from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.app import Session
from kit.errors import responses
from notary.certificates import service
from notary.certificates.schemas import CertificateOut, CertificatePage, CreateCertificate, FamilyOut, QuoteRequest
from notary.deps import Citizen, Ctx, Now, citizen_id

router = APIRouter(prefix="/v1/certificates", tags=["certificates"])


@router.get("/family", responses=responses(401, 403, 503))
async def get_my_family(caller: Citizen, ctx: Ctx) -> FamilyOut:
    """You, your spouse, children and parents, and the marriages, as the civil registry links them."""
    return await service.family(ctx.resources.registry, national_id=caller.national_id or "")


@router.post("", status_code=201, responses=responses(401, 403, 409, 422, 503))
async def request_certificate(
    body: CreateCertificate, caller: Citizen, session: Session, ctx: Ctx, now: Now
) -> CertificateOut:
    """Ask for a certificate; pay with `payment` and it is issued at once."""
    cert = await service.request(
        session,
        citizen_id=citizen_id(caller),
        national_id=caller.national_id or "",
        body=body,
        registry=ctx.resources.registry,
        catalog=ctx.resources.catalog,
        settings=ctx.settings,
        now=now,
    )
    return CertificateOut.of(cert)


@router.get("", responses=responses(401, 403, 422))
async def list_my_certificate_requests(
    caller: Citizen, session: Session, limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None
) -> CertificatePage:
    page = await service.page_for(session, citizen_id=citizen_id(caller), limit=limit, cursor=cursor)
    return CertificatePage(items=[CertificateOut.of(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/{request_id}", responses=responses(401, 403, 404, 422))
async def get_certificate_request(request_id: uuid.UUID, caller: Citizen, session: Session) -> CertificateOut:
    return CertificateOut.of(await service.get(session, request_id=request_id, citizen_id=citizen_id(caller)))


@router.post("/{request_id}/quote", responses=responses(401, 403, 404, 409, 422, 503))
async def requote_certificate_request(
    request_id: uuid.UUID, body: QuoteRequest, caller: Citizen, session: Session, ctx: Ctx, now: Now
) -> CertificateOut:
    """A new locked quote (the previous one expired, or another payment method)."""
    cert = await service.requote(
        session,
        request_id=request_id,
        citizen_id=citizen_id(caller),
        national_id=caller.national_id or "",
        method=body.method,
        channel=body.channel,
        registry=ctx.resources.registry,
        catalog=ctx.resources.catalog,
        now=now,
    )
    return CertificateOut.of(cert)


@router.post("/{request_id}/cancellation", responses=responses(401, 403, 404, 409, 422))
async def cancel_certificate_request(
    request_id: uuid.UUID, caller: Citizen, session: Session, now: Now
) -> CertificateOut:
    cert = await service.cancel(session, request_id=request_id, citizen_id=citizen_id(caller), now=now)
    return CertificateOut.of(cert)
