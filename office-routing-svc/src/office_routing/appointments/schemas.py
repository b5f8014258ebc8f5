"""Appointments as the API shows them, and what the citizen and the clerk send."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.fields import TypedNationalId
from kit.clock import CAIRO
from office_routing.appointments.models import Status
from office_routing.offices.models import Kind


class OfficeBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    kind: Kind
    governorate: str = Field(examples=["21"])
    name_ar: str = Field(examples=["مكتب توثيق الدقي"])
    name_en: str = Field(examples=["Dokki notary office"])
    address_ar: str = Field(examples=["١٢ شارع التحرير، الدقي، الجيزة"])
    address_en: str = Field(examples=["12 Tahrir Street, Dokki, Giza"])


class AppointmentOut(BaseModel):
    id: uuid.UUID
    order_ref: str = Field(description="What the visit is for, e.g. `notary:<power of attorney id>`.")
    service_code: str
    status: Status
    end_reason: str | None = Field(description="no_show, cancelled_by_citizen, cancelled_by_requester, office_closed.")
    office: OfficeBrief
    starts_at: datetime
    ends_at: datetime
    local_start: str = Field(description="The start in Cairo time, e.g. `2026-05-03 09:30`.")
    booked_at: datetime
    checked_in_at: datetime | None
    verified_at: datetime | None
    ended_at: datetime | None
    replaces_id: uuid.UUID | None = Field(description="The appointment this one replaced (rescheduling).")

    @classmethod
    def of(cls, appointment: Any, office: Any) -> AppointmentOut:
        return cls(
            id=appointment.id,
            order_ref=appointment.order_ref,
            service_code=appointment.service_code,
            status=appointment.status,
            end_reason=appointment.end_reason,
            office=OfficeBrief.model_validate(office),
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            local_start=appointment.starts_at.astimezone(CAIRO).strftime("%Y-%m-%d %H:%M"),
            booked_at=appointment.booked_at,
            checked_in_at=appointment.checked_in_at,
            verified_at=appointment.verified_at,
            ended_at=appointment.ended_at,
            replaces_id=appointment.replaces_id,
        )


class AppointmentPage(BaseModel):
    items: list[AppointmentOut]
    next_cursor: str | None = None


class OpeningOut(BaseModel):
    office: OfficeBrief
    starts_at: datetime
    ends_at: datetime
    local_start: str
    free_seats: int


class Reschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    office_id: uuid.UUID
    starts_at: AwareDatetime = Field(description="Start of a free slot, as listed by the alternatives.")


class Verify(BaseModel):
    model_config = ConfigDict(extra="forbid")

    national_id: TypedNationalId = Field(
        description="The national ID on the card the citizen shows; it must be the requester's.",
    )


class HistoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    actor: str
    at: datetime
    detail: dict[str, Any]
