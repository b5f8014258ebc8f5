"""Offices as the API shows them, and what an administrator sends to add one."""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from contracts.fields import GovernorateCode, ServiceCode
from kit.errors import invalid
from office_routing.governorates import BY_CODE
from office_routing.offices.models import SUNDAY_TO_THURSDAY, Kind

OfficeCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{2,39}$")]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def _local(value: time) -> time:
    if value.tzinfo is not None or value.microsecond:
        raise invalid("local_time")
    return value


LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
# A wall-clock time in the office's zone. Not OpenAPI's `format: time`: that is RFC 3339's
# full-time, which requires an offset, and a Cairo opening hour has none.
LocalTime = Annotated[
    time,
    AfterValidator(_local),
    WithJsonSchema({"type": "string", "pattern": LOCAL_TIME_PATTERN, "examples": ["09:00"]}),
]


class OfficeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str = Field(description="The office's short code, shown on signs and tickets.")
    kind: Kind
    governorate: GovernorateCode
    name_ar: str = Field(examples=["مكتب توثيق الدقي"])
    name_en: str = Field(examples=["Dokki notary office"])
    address_ar: str = Field(examples=["١٢ شارع التحرير، الدقي، الجيزة"])
    address_en: str = Field(examples=["12 Tahrir Street, Dokki, Giza"])
    latitude: float = Field(examples=[30.0385])
    longitude: float = Field(examples=[31.2119])
    services: list[str] = Field(description="Catalog codes of the services this office offers.")
    working_days: list[int] = Field(description="ISO weekdays (1 Monday ... 7 Sunday); normally Sunday-Thursday.")
    opens_at: LocalTime = Field(description="Opening time, Cairo local time.")
    closes_at: LocalTime = Field(description="Closing time, Cairo local time.")
    timezone: str = "Africa/Cairo"
    slot_minutes: int
    capacity_per_slot: int = Field(description="Citizens served in parallel in one slot.")


class HolidayOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    name_ar: str = Field(examples=["عيد الفطر"])
    name_en: str = Field(examples=["Eid al-Fitr"])
    national: bool = Field(description="A national holiday (every office is closed).")


class OfficeDetail(OfficeOut):
    holidays: list[HolidayOut] = Field(description="Upcoming days the office is closed.")


class OfficePage(BaseModel):
    items: list[OfficeOut]
    next_cursor: str | None = None


class OfficeIn(BaseModel):
    """A new office (administrators)."""

    model_config = ConfigDict(extra="forbid")

    code: OfficeCode
    kind: Kind
    governorate: GovernorateCode
    name_ar: Text200 = Field(examples=["مكتب توثيق الدقي"])
    name_en: Text200 = Field(examples=["Dokki notary office"])
    address_ar: Text300 = Field(examples=["١٢ شارع التحرير، الدقي، الجيزة"])
    address_en: Text300 = Field(examples=["12 Tahrir Street, Dokki, Giza"])
    latitude: float = Field(ge=21.0, le=32.0, description="Within Egypt.", examples=[30.0385])
    longitude: float = Field(ge=24.0, le=37.0, description="Within Egypt.", examples=[31.2119])
    services: list[ServiceCode] = Field(min_length=1, max_length=50)
    working_days: list[int] = Field(default_factory=lambda: list(SUNDAY_TO_THURSDAY), min_length=1, max_length=7)
    opens_at: LocalTime = time(9, 0)
    closes_at: LocalTime = time(15, 0)
    slot_minutes: int = Field(default=15, ge=5, le=240)
    capacity_per_slot: int = Field(default=2, ge=1, le=100)

    @field_validator("governorate")
    @classmethod
    def _known_governorate(cls, value: str) -> str:
        if value not in BY_CODE:
            raise invalid("unknown_governorate")
        return value

    @field_validator("working_days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value) or len(set(value)) != len(value):
            raise invalid("working_days")
        return value

    @field_validator("services")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _hours(self) -> Self:
        opens = self.opens_at.hour * 60 + self.opens_at.minute
        closes = self.closes_at.hour * 60 + self.closes_at.minute
        if closes - opens < self.slot_minutes:
            raise invalid("no_slot_in_hours")
        return self


class HolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date
    name_ar: Text200 = Field(examples=["عيد الفطر"])
    name_en: Text200 = Field(examples=["Eid al-Fitr"])


class HolidayResult(BaseModel):
    day: date
    cancelled_appointments: int = Field(description="Appointments on that day, cancelled (office_closed).")
