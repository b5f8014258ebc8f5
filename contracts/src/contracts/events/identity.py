"""Identity events: citizen enrolment on the one window, and changes of the citizen's mobile."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.fields import Channel, NationalId, UtcDatetime


class CitizenEnrolled(Event, subject="identity.citizen.enrolled.v1", aggregate="citizen_id"):
    """A citizen confirmed their mobile number (OTP) and is enrolled on the platform."""

    citizen_id: UUID = Field(description="Platform id of the citizen account.")
    national_id: NationalId = Field(description="The citizen's national ID.")
    channel: Channel = Field(description="Where the citizen enrolled.")
    enrolled_at: UtcDatetime = Field(description="When the OTP was confirmed.")


class CitizenMobileChanged(Event, subject="identity.citizen.mobile_changed.v1", aggregate="citizen_id"):
    """The citizen's mobile number changed; the number is not in the event (ask identity for the contact)."""

    citizen_id: UUID = Field(description="Platform id of the citizen account.")
    national_id: NationalId = Field(description="The citizen's national ID.")
    method: Literal["two_codes", "office_visit"] = Field(
        description="two_codes: the citizen confirmed codes sent to the old and the new number; "
        "office_visit: a clerk checked their ID document at an office and the new number's code."
    )
    office_id: str | None = Field(default=None, max_length=40, description="The office, for an office visit.")
    mobile_last_digits: str = Field(pattern=r"^[0-9]{2}$", description="The last two digits of the new number.")
    changed_at: UtcDatetime = Field(description="When the new number took effect.")
