"""The `bundles` routes: parse, call the service, map the result."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from evidence.bundles import service
from evidence.bundles.schemas import BundleIn, BundleOut, BundlePage
from evidence.deps import CitizenId, Ctx, Now
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/evidence/bundles", tags=["evidence/bundles"])


@router.post("", status_code=201, response_model=BundleOut, responses=responses(401, 403, 409, 422))
async def create(body: BundleIn, citizen_id: CitizenId, session: Session, ctx: Ctx, now: Now) -> BundleOut:
    """Open a request (at most `max_open_bundles` open at once)."""
    limit = ctx.resources.max_open_bundles
    created = await service.create(session, citizen_id=citizen_id, subject=body.subject, max_open=limit, now=now)
    return BundleOut.model_validate(created)


@router.get("", response_model=BundlePage, responses=responses(401, 403, 422))
async def list_mine(
    citizen_id: CitizenId,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> BundlePage:
    """The caller's requests, newest first."""
    page = await service.page_for(session, citizen_id=citizen_id, limit=limit, cursor=cursor)
    items = [BundleOut.model_validate(x) for x in page.items]
    return BundlePage(items=items, next_cursor=page.next_cursor)


@router.get("/{bundle_id}", response_model=BundleOut, responses=responses(401, 403, 404, 422))
async def get_one(bundle_id: uuid.UUID, citizen_id: CitizenId, session: Session) -> BundleOut:
    found = await service.get(session, bundle_id=bundle_id, citizen_id=citizen_id)
    return BundleOut.model_validate(found)
