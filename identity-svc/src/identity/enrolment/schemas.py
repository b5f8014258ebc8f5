from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import Channel
from identity.citizens.schemas import MeOut
from identity.sessions.schemas import TokensOut


class EnrolmentStart(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    national_id: str = Field(min_length=1, max_length=40, examples=["٢٩٠٠١٠١٠١٢٣٤٥٦", "29001010123456"])
    first_name: str = Field(min_length=1, max_length=100, examples=["أحمد"])
    mother_first_name: str = Field(min_length=1, max_length=100, examples=["فاطمة"])
    mobile: str = Field(min_length=1, max_length=40, examples=["010 1234 5678", "+201012345678"])
    channel: Channel = "web"


class ChallengeOut(BaseModel):
    """A code was sent (or, for sign-in, would have been sent) by SMS."""

    id: uuid.UUID
    expires_at: datetime
    resend_after: datetime
    mobile_masked: str | None = None


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=20, examples=["123456"])


class EnrolledOut(TokensOut):
    """Signed in, as after `POST /v1/sessions/{id}/verification`: the same token fields at the top
    level, and the citizen's record. `tokens` repeats the token fields for older clients."""

    citizen: MeOut
    tokens: TokensOut = Field(deprecated=True, description="The same tokens as at the top level (older clients).")
