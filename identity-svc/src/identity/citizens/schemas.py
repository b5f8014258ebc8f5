from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from contracts.governorates import BY_CODE
from identity.citizens.service import Profile


class GovernorateOut(BaseModel):
    code: str = Field(examples=["03"])
    name_ar: str = Field(examples=["بورسعيد"])
    name_en: str = Field(examples=["Port Said"])


class MeOut(BaseModel):
    """The citizen's record, filled in from the civil registry: they typed none of it."""

    citizen_id: uuid.UUID
    national_id: str
    mobile: str = Field(description="E.164", examples=["+201012345678"])
    status: str = Field(examples=["active"])
    full_name_ar: str
    full_name_latin: str | None
    birth_date: date
    sex: str
    governorate: GovernorateOut | None
    district_ar: str | None
    address_ar: str | None
    marital_status: str
    enrolled_at: datetime

    @classmethod
    def of(cls, profile: Profile) -> MeOut:
        c, p = profile.citizen, profile.person
        gov = BY_CODE.get(p.governorate)
        return cls(
            citizen_id=c.id,
            national_id=c.national_id,
            mobile=c.mobile,
            status=c.status,
            full_name_ar=p.full_name_ar,
            full_name_latin=p.full_name_latin,
            birth_date=p.birth_date,
            sex=p.sex,
            governorate=GovernorateOut(code=gov.code, name_ar=gov.name_ar, name_en=gov.name_en) if gov else None,
            district_ar=p.district_ar,
            address_ar=p.address_ar,
            marital_status=p.marital_status,
            enrolled_at=c.enrolled_at,
        )
