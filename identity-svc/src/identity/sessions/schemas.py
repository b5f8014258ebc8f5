from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TokensOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds the access token is valid.")
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None


class LoginStart(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    national_id: str = Field(min_length=1, max_length=40, examples=["28804170123490", "٢٨٨٠٤١٧٠١٢٣٤٩٠"])


class RefreshIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200)
