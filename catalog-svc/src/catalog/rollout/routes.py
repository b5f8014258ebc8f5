from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from catalog.catalogue import service as catalogue
from catalog.deps import Admin, Ctx, GovernoratePath, Now, ServiceCodePath
from catalog.rollout import service
from catalog.rollout.schemas import RolloutEntry, RolloutIn, RolloutList
from kit.app import Session
from kit.errors import responses
from kit.http_cache import cacheable, cached_json

router = APIRouter(prefix="/v1/services/{code}/rollout", tags=["roll-out"])


@router.get("", response_model=RolloutList, responses=cacheable(404, 422))
async def get_rollout(request: Request, code: ServiceCodePath, session: Session, ctx: Ctx, now: Now) -> Response:
    """Where the service is live, planned or suspended: every governorate with its date."""
    await catalogue.get(session, code=code)
    listing = await service.listing(session, service_code=code, now=now)
    return cached_json(request, listing, max_age=ctx.settings.cache_max_age_seconds)


@router.put("/{governorate}", responses=responses(401, 403, 404, 422))
async def change_rollout(
    code: ServiceCodePath, governorate: GovernoratePath, body: RolloutIn, session: Session, admin: Admin, now: Now
) -> RolloutEntry:
    """Set when the service goes live in one governorate (admins only; audited; announced as
    catalog.rollout.changed.v1)."""
    service.check_governorate(governorate, "path.governorate")
    await catalogue.get(session, code=code)
    return await service.change(
        session, service_code=code, governorate=governorate, rollout=body, caller=admin, now=now
    )
