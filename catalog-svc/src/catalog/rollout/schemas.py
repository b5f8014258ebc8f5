from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from catalog.rollout.governorates import Phase

Status = Literal["planned", "pilot", "live", "suspended"]


class RolloutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    live_from: AwareDatetime | None = Field(description="When the service goes live there (null: no date yet).")
    pilot: bool = Field(default=False, description="Live as a pilot (Port Said).")
    suspended: bool = Field(default=False, description="Temporarily withdrawn there.")
    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the audit trail).")


class RolloutEntry(BaseModel):
    governorate: str = Field(examples=["03"])
    governorate_name_ar: str
    governorate_name_en: str
    phase: Phase = Field(description="The programme phase of the governorate (domain brief).")
    status: Status = Field(description="Status now: planned until live_from, then pilot or live.")
    live_from: datetime | None
    pilot: bool
    suspended: bool


class RolloutList(BaseModel):
    service_code: str
    items: list[RolloutEntry]
