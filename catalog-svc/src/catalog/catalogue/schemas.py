from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from catalog.tariffs.schemas import TariffOut

Family = Literal[
    "civil", "notary", "ration", "takaful", "traffic", "family_court",
    "investment", "registry", "tax", "education", "agriculture",
]  # fmt: skip

FAMILY_NAMES: dict[str, tuple[str, str]] = {
    "civil": ("الأحوال المدنية", "Civil status"),
    "notary": ("التوثيق والشهر العقاري", "Notarization and real-estate registry"),
    "ration": ("التموين", "Ration cards"),
    "takaful": ("تكافل وكرامة", "Takaful & Karama"),
    "traffic": ("المرور", "Traffic"),
    "family_court": ("محكمة الأسرة", "Family court"),
    "investment": ("الاستثمار", "Investment"),
    "registry": ("السجل التجاري والأراضي", "Land and commercial registry"),
    "tax": ("الضرائب والجمارك", "Taxes and customs"),
    "education": ("التعليم", "Education"),
    "agriculture": ("كارت الفلاح الذكي", "Smart farmer card"),
}


Delivery = Literal["online_instant", "online", "office", "post"]
ServiceStatus = Literal["live", "coming"]


class Requirement(BaseModel):
    ar: str = Field(examples=["بطاقة الرقم القومي للموكل سارية"])
    en: str = Field(examples=["The principal's valid national ID card"])


class ServiceSummary(BaseModel):
    code: str = Field(examples=["notary.poa.general"])
    family: Family = Field(examples=["notary"])
    family_name_ar: str = Field(examples=["التوثيق والشهر العقاري"])
    family_name_en: str = Field(examples=["Notary and real-estate registry"])
    name_ar: str = Field(examples=["توكيل عام رسمي"])
    name_en: str = Field(examples=["General power of attorney"])
    entitlement: bool = Field(description="Whether the service depends on a ration entitlement decision.")
    delivery: Delivery = Field(
        description="online_instant: issued at once online; online: delivered online after processing; "
        "office: collected at an assigned office; post: sent by post."
    )
    processing_hours: int = Field(description="Expected processing time in hours (0 = instant).")
    status: ServiceStatus


class ServiceDetail(ServiceSummary):
    description_ar: str = Field(examples=["توكيل رسمي عام يُحرَّر إلكترونيًا ويُوقَّع في مكتب التوثيق"])
    description_en: str = Field(examples=["A general power of attorney drafted online and signed at a notary office"])
    requirements: list[Requirement] = Field(description="What the citizen must provide.")
    tariff: TariffOut | None = Field(description="The tariff in force now (null for a coming service).")
    next_tariff: TariffOut | None = Field(description="A published tariff that takes effect later, if any.")
    updated_at: datetime


class ServicePage(BaseModel):
    items: list[ServiceSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
