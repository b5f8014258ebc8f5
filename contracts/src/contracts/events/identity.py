"""Identity events: citizen enrolment on the one window."""

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
