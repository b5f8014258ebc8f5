from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DeliveryOut(BaseModel):
    notification_id: str
    http_status: int | None
    outcome: str | None


class SandboxResult(BaseModel):
    provider: str
    reference: str
    status: str
    deliveries: list[DeliveryOut] = Field(description="Notifications delivered now (empty if held or delayed).")
    held: int = Field(description="Notifications held back for a late delivery.")


class OtpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    otp: str = Field(min_length=4, max_length=8)
