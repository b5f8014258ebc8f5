from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import TypedPiastres


class CreateRefund(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    amount_piastres: TypedPiastres = Field(
        gt=0, le=10**12, description="Amount to return, in piastres (partial allowed)."
    )
    reason: str = Field(min_length=3, max_length=500)


class RefundOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    payment_id: uuid.UUID
    amount_piastres: int
    reason: str
    automatic: bool
    provider_refund_id: str
    requested_by: str
    created_at: datetime
