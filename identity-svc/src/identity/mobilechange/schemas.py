from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from identity.mobile import mask
from identity.mobilechange.models import MobileChange
from identity.otp.models import OtpChallenge
from identity.sessions.schemas import TokensOut


class MobileChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    mobile: str = Field(min_length=1, max_length=40, description="The new number.", examples=["011 2345 6789"])


class BothCodesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    old_code: str = Field(min_length=1, max_length=20, description="The code sent to the current number.")
    new_code: str = Field(min_length=1, max_length=20, description="The code sent to the new number.")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["national_id_card", "passport"]
    number: str = Field(min_length=3, max_length=40, description="As printed on the document.")
    expires_on: date


class OfficeMobileChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    national_id: str = Field(min_length=1, max_length=40)
    mobile: str = Field(min_length=1, max_length=40, description="The new number.")
    document: DocumentIn = Field(description="The ID document the clerk checked.")
    reason: str = Field(min_length=3, max_length=300, examples=["old SIM card lost"])


class OfficeCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=1, max_length=20, description="The code the citizen reads from the new number.", examples=["482913"]
    )


class MobileChangeOut(BaseModel):
    id: uuid.UUID
    channel: Literal["self", "office"]
    status: str = Field(description="pending, applied, locked or superseded")
    old_mobile_masked: str
    new_mobile_masked: str
    office_id: str | None
    created_at: datetime
    applied_at: datetime | None
    expires_at: datetime | None = Field(None, description="Until when the codes are valid (pending requests).")
    resend_after: datetime | None = None

    @classmethod
    def of(cls, change: MobileChange, challenge: OtpChallenge | None = None, *, cooldown: int = 0) -> MobileChangeOut:
        return cls(
            id=change.id,
            channel=change.channel,
            status=change.status,
            old_mobile_masked=mask(change.old_mobile),
            new_mobile_masked=mask(change.new_mobile),
            office_id=change.office_id,
            created_at=change.created_at,
            applied_at=change.applied_at,
            expires_at=challenge.expires_at if challenge else None,
            resend_after=challenge.last_sent_at + timedelta(seconds=cooldown) if challenge else None,
        )


class MobileChangesOut(BaseModel):
    items: list[MobileChangeOut]
    next_cursor: str | None


class MobileChangedOut(BaseModel):
    """Applied. Every session was signed out; this device gets a fresh pair."""

    change: MobileChangeOut
    tokens: TokensOut
