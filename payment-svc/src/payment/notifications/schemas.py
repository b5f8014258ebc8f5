from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import UtcDatetime


class Notice(BaseModel):
    """What a provider posts (the same shape for every provider)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=100, description="The provider's notification id (dedupe key).")
    type: Literal["payment.succeeded", "payment.failed"]
    reference: str = Field(min_length=1, max_length=100, description="The provider's reference of the payment.")
    occurred_at: UtcDatetime
    transaction_id: str | None = Field(default=None, min_length=1, max_length=100)
    amount_piastres: int | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, max_length=3)
    reason: Literal["declined", "timeout", "error"] | None = None


class Outcome(BaseModel):
    outcome: str = Field(description="What payment-svc did with the notification.")
    payment_id: str | None = None
