"""Service office events: appointments assigned through the one window."""

from typing import Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from contracts.base import Event
from contracts.fields import GovernorateCode, NationalId, ServiceCode, UtcDatetime

_ORDER_REF = "The requesting service's order, `<owner>:<id>` (see contracts.orders)."


class AppointmentRequested(Event, subject="office.appointment.requested.v1", aggregate="order_ref"):
    """A service needs the citizen in person at an office for an order; office routing books one slot per order."""

    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    citizen_id: UUID = Field(description="The citizen's account, who gets the appointment.")
    national_id: NationalId = Field(description="Whose national ID card the clerk checks in person.")
    service_code: ServiceCode = Field(description="The catalogue service; only offices offering it are assigned.")
    governorate: GovernorateCode = Field(description="Where an office is assigned.")
    requested_at: UtcDatetime = Field(description="When the requesting service asked.")


class AppointmentWithdrawn(Event, subject="office.appointment.withdrawn.v1", aggregate="order_ref"):
    """The requesting service no longer needs the visit: any appointment is freed and none is booked later."""

    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    citizen_id: UUID = Field(description="The citizen's account.")
    withdrawn_at: UtcDatetime = Field(description="When the requesting service withdrew it.")


class AppointmentBooked(Event, subject="office.appointment.booked.v1", aggregate="appointment_id"):
    """An office appointment was assigned to a citizen for verification or collection."""

    appointment_id: UUID = Field(description="Id of the appointment.")
    citizen_id: UUID = Field(description="The citizen expected at the office.")
    office_id: UUID = Field(description="The assigned office.")
    governorate: GovernorateCode = Field(description="Governorate of the office.")
    service_code: ServiceCode
    order_ref: str = Field(min_length=1, max_length=200, description="What the visit is for, set by the requester.")
    starts_at: UtcDatetime = Field(description="Start of the slot.")
    ends_at: UtcDatetime = Field(description="End of the slot.")
    booked_at: UtcDatetime = Field(description="When the appointment was booked.")

    @model_validator(mode="after")
    def _slot_is_ordered(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class AppointmentVerified(Event, subject="office.appointment.verified.v1", aggregate="appointment_id"):
    """A clerk at the office confirmed the citizen in person (the legal verification)."""

    appointment_id: UUID = Field(description="Id of the appointment.")
    citizen_id: UUID = Field(description="The citizen who came.")
    office_id: UUID = Field(description="The office where it happened.")
    service_code: ServiceCode
    order_ref: str = Field(min_length=1, max_length=200, description="What the visit was for, set by the requester.")
    clerk_id: UUID = Field(description="The staff member who verified.")
    verified_at: UtcDatetime = Field(description="When the verification was recorded.")


AppointmentEnd = Literal["no_show", "cancelled_by_citizen", "cancelled_by_requester", "office_closed"]


class AppointmentCancelled(Event, subject="office.appointment.cancelled.v1", aggregate="appointment_id"):
    """An appointment ended without a visit (its slot is free again)."""

    appointment_id: UUID = Field(description="Id of the appointment.")
    citizen_id: UUID = Field(description="The citizen it was for.")
    office_id: UUID = Field(description="The office.")
    service_code: ServiceCode
    order_ref: str = Field(min_length=1, max_length=200, description="What the visit was for, set by the requester.")
    reason: AppointmentEnd = Field(description="Why it ended without a visit.")
    cancelled_at: UtcDatetime = Field(description="When it was recorded.")
