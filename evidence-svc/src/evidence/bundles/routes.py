"""The evidence routes: an auditor's bundles and chain check (through the gateway), the
internal export other services call, and the timestamping keys."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from evidence.archive.service import verify_chain
from evidence.bundles import service
from evidence.bundles.schemas import BUNDLE_SCHEMA, MEDIA_TYPE, BundleQuery, ChainOut
from evidence.deps import Auditor, Ctx, Now
from evidence.seals.service import verify_seals
from kit.app import Session
from kit.errors import responses
from kit.http_cache import cached_json
from kit.internal import ServiceOnly

router = APIRouter(tags=["evidence"])

_BUNDLE_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"description": "The bundle (one page).", "content": {MEDIA_TYPE: {"schema": BUNDLE_SCHEMA}}}
}


@router.get(
    "/v1/evidence/bundles",
    response_class=Response,
    responses={**_BUNDLE_ANSWER, **responses(401, 403, 422)},
)
async def export_bundle(
    session: Session,
    ctx: Ctx,
    now: Now,
    _auditor: Auditor,
    event_id: Annotated[list[uuid.UUID] | None, Query(max_length=100, description="Archived event ids.")] = None,
    subject: Annotated[str | None, Query(min_length=1, max_length=200, description="A case: the subject.")] = None,
    household: Annotated[str | None, Query(min_length=1, max_length=200, description="A ration card id.")] = None,
    national_id: Annotated[str | None, Query(min_length=14, max_length=14, description="A person.")] = None,
    since: Annotated[AwareDatetime | None, Query(alias="from", description="Events from this time.")] = None,
    until: Annotated[AwareDatetime | None, Query(alias="to", description="... and before this time.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Auditors: the archived events a query selects, as a bundle anyone can verify offline
    (`python -m contracts verify BUNDLE`); paginated by `next_cursor`, each page verifiable alone."""
    query = service.Query(
        event_ids=event_id or (), subject=subject, household=household, national_id=national_id,
        since=since, until=until,
    )  # fmt: skip
    bundle = await service.export(session, query, exporter=ctx.resources.exporter, limit=limit, cursor=cursor, now=now)
    return Response(bundle, media_type=MEDIA_TYPE)


@router.get("/v1/evidence/chain", response_model=ChainOut, responses=responses(401, 403))
async def check_chain(session: Session, ctx: Ctx, now: Now, _auditor: Auditor) -> ChainOut:
    """Auditors: recompute the whole archive: each entry's hash from its content, each link,
    each seal's signature, root and place in the chain of seals."""
    chain = await verify_chain(session)
    seals, broken_seal, seal_problem = await verify_seals(session, keys=ctx.resources.keys)
    return ChainOut(
        valid=chain.valid and broken_seal is None, entries=chain.entries, seals=seals,
        first_broken_sequence=chain.first_broken_sequence, first_broken_seal=broken_seal,
        problem=chain.problem or seal_problem, checked_at=now,
    )  # fmt: skip


@router.post("/internal/evidence/bundles", include_in_schema=False, dependencies=[ServiceOnly])
async def export_for_service(body: BundleQuery, session: Session, ctx: Ctx, now: Now) -> Response:
    """Other services (a decision's evidence): the same bundle, by event ids or any criterion."""
    query = service.Query(
        event_ids=body.event_ids, subject=body.subject, household=body.household, national_id=body.national_id,
        since=body.since, until=body.until,
    )  # fmt: skip
    exporter = ctx.resources.exporter
    bundle = await service.export(session, query, exporter=exporter, limit=body.limit, cursor=body.cursor, now=now)
    return Response(bundle, media_type=MEDIA_TYPE)


@router.get("/.well-known/timestamping-keys.json", include_in_schema=False)
async def timestamping_keys(request: Request, ctx: Ctx) -> Response:
    """The archive's timestamping public keys (JWKS): what a bundle's seals are checked against."""
    return cached_json(request, ctx.resources.keys.jwks(), max_age=300)
