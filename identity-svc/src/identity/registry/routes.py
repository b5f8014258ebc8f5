"""Service-to-service only: the registry's facts about one person, for other services' rules
(notary-svc: agents exist, alive, adult; certificates from registry data; ration-svc: a newborn's
parents, a member's death or marriage), and the extract page by page (the family links, no
names), for a service that reconciles its records with the registry (ration-svc's demo cards).
Not routed by the gateway and not in the public API; the caller presents IDENTITY_INTERNAL_TOKEN
as a bearer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict

from identity.registry import service
from kit.app import Session
from kit.errors import NotFound
from kit.internal import ServiceOnly

router = APIRouter(prefix="/internal/registry", tags=["internal"], include_in_schema=False)


class MarriageFacts(BaseModel):
    marriage_id: str
    husband_national_id: str
    wife_national_id: str
    marriage_date: date
    divorce_date: date | None
    governorate: str


class RegistryEntry(BaseModel):
    """One person of the extract: the family links and vital facts, without names or address."""

    model_config = ConfigDict(from_attributes=True)

    national_id: str
    birth_date: date
    sex: str
    governorate: str
    alive: bool
    date_of_death: date | None
    father_national_id: str | None
    mother_national_id: str | None
    spouse_national_id: str | None
    marital_status: str


class PersonFacts(RegistryEntry):
    first_name_ar: str
    full_name_ar: str
    full_name_latin: str | None
    mother_first_name_ar: str | None
    district_ar: str | None
    children: list[str]
    marriages: list[MarriageFacts]


class RegistryPage(BaseModel):
    items: list[RegistryEntry]
    next_cursor: str | None


@router.get("/persons", dependencies=[ServiceOnly])
async def persons(
    session: Session,
    governorate: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> RegistryPage:
    """The registry's people by national ID, a page at a time (of one governorate of residence)."""
    page = await service.page(session, governorate=governorate, limit=limit, cursor=cursor)
    return RegistryPage(items=[RegistryEntry.model_validate(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/persons/{national_id}", dependencies=[ServiceOnly])
async def person(national_id: Annotated[str, Path(pattern=r"^[0-9]{14}$")], session: Session) -> PersonFacts:
    found = await service.facts(session, national_id=national_id)
    if found is None:
        raise NotFound()
    return PersonFacts(
        **{k: getattr(found.person, k) for k in PersonFacts.model_fields if k not in {"children", "marriages"}},
        children=[c.national_id for c in found.children],
        marriages=[
            MarriageFacts(
                marriage_id=str(m.marriage_id),
                husband_national_id=m.husband_national_id,
                wife_national_id=m.wife_national_id,
                marriage_date=m.marriage_date,
                divorce_date=m.divorce_date,
                governorate=m.governorate,
            )
            for m in found.marriages
        ],
    )
