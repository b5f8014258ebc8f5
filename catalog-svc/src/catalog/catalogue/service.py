"""Reading the catalogue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.catalogue.models import Service
from catalog.catalogue.repository import ServiceRepository
from catalog.catalogue.schemas import FAMILY_NAMES, ServiceDetail, ServicePage, ServiceSummary
from catalog.tariffs import service as tariffs
from kit.errors import NotFound
from kit.repository import Page


async def get(session: AsyncSession, *, code: str, lock: bool = False) -> Service:
    """The service; `lock` holds its row until the transaction ends (serialises tariff versions)."""
    found = await ServiceRepository(session).get(code, for_update=lock)
    if found is None:
        raise NotFound("service_not_found", params={"code": code[:64]})
    return found


async def page(session: AsyncSession, *, family: str | None, limit: int, cursor: str | None) -> ServicePage:
    result: Page[Service] = await ServiceRepository(session).page(family=family, limit=limit, cursor=cursor)
    return ServicePage(items=[summary(s) for s in result.items], next_cursor=result.next_cursor)


async def detail(session: AsyncSession, *, code: str, now: datetime) -> ServiceDetail:
    found = await get(session, code=code)
    current, upcoming = await tariffs.current_and_next(session, service_code=code, now=now)
    return ServiceDetail(
        **summary(found).model_dump(),
        description_ar=found.description_ar,
        description_en=found.description_en,
        requirements=found.requirements,
        tariff=current,
        next_tariff=upcoming,
        updated_at=found.updated_at,
    )


def summary(service: Service) -> ServiceSummary:
    family_ar, family_en = FAMILY_NAMES[service.family]
    return ServiceSummary(
        code=service.code,
        family=service.family,
        family_name_ar=family_ar,
        family_name_en=family_en,
        name_ar=service.name_ar,
        name_en=service.name_en,
        entitlement=service.entitlement,
        delivery=service.delivery,
        processing_hours=service.processing_hours,
        status=service.status,
    )
