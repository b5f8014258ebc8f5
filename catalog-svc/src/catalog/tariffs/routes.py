from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from catalog.catalogue import service as catalogue
from catalog.deps import Admin, Ctx, Now, ServiceCodePath
from catalog.tariffs import service
from catalog.tariffs.schemas import TariffIn, TariffList, TariffOut
from kit.app import Session
from kit.errors import responses
from kit.http_cache import cacheable, cached_json

router = APIRouter(prefix="/v1/services/{code}/tariffs", tags=["tariffs"])


@router.get("", response_model=TariffList, responses=cacheable(404, 422))
async def list_tariffs(request: Request, code: ServiceCodePath, session: Session, ctx: Ctx) -> Response:
    """Every published tariff version of the service, newest first."""
    await catalogue.get(session, code=code)
    return cached_json(
        request, await service.history(session, service_code=code), max_age=ctx.settings.cache_max_age_seconds
    )


@router.post("", status_code=201, responses=responses(401, 403, 404, 422))
async def publish_tariff(code: ServiceCodePath, body: TariffIn, session: Session, admin: Admin, now: Now) -> TariffOut:
    """Publish the next tariff version (admins only; audited; announced as catalog.tariff.changed.v1).
    Quotes already issued keep their price."""
    await catalogue.get(session, code=code, lock=True)
    return await service.publish(session, service_code=code, tariff=body, caller=admin, now=now)
