from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from catalog.catalogue import service
from catalog.catalogue.schemas import Family, ServiceDetail, ServicePage
from catalog.deps import Ctx, Now, ServiceCodePath
from kit.app import Session
from kit.http_cache import cacheable, cached_json

router = APIRouter(prefix="/v1/services", tags=["catalogue"])


@router.get("", response_model=ServicePage, responses=cacheable(422))
async def list_services(
    request: Request,
    session: Session,
    ctx: Ctx,
    family: Family | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Every service the platform offers or will offer, by code; filter by family."""
    page = await service.page(session, family=family, limit=limit, cursor=cursor)
    return cached_json(request, page, max_age=ctx.settings.cache_max_age_seconds)


@router.get("/{code}", response_model=ServiceDetail, responses=cacheable(404, 422))
async def get_service(request: Request, code: ServiceCodePath, session: Session, ctx: Ctx, now: Now) -> Response:
    """One service: names, requirements, delivery, processing time, and its tariff now and next."""
    detail = await service.detail(session, code=code, now=now)
    return cached_json(request, detail, max_age=ctx.settings.cache_max_age_seconds)
