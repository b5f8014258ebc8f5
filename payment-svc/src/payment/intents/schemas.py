from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import PaymentMethod, TypedMobile

OWNER_SERVICE = r"^[a-z][a-z0-9_-]{1,39}$"
ORDER_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$"


class CreateIntent(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    owner_service: str = Field(pattern=OWNER_SERVICE, description="The service that owns the order, e.g. `notary`.")
    order_id: str = Field(pattern=ORDER_ID, description="The order's id in the owner service.")
    quote: str = Field(min_length=20, max_length=8000, description="The signed quote from the catalogue.")
    method: PaymentMethod | None = Field(default=None, description="Must match the quote's method if given.")


class ConfirmIntent(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    return_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https?://",
        description="Card: where the acquirer sends the citizen back.",
    )
    wallet_mobile: TypedMobile | None = Field(default=None, description="Wallet: the mobile number holding the wallet.")


class FeeLine(BaseModel):
    code: str = Field(examples=["base_fee"])
    amount_piastres: int
    label_ar: str = Field(examples=["رسم الخدمة"])
    label_en: str = Field(examples=["Service fee"])


class IntentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: str = Field(examples=["requires_payment"])
    owner_service: str
    order_id: str
    order_ref: str
    service_code: str
    channel: str
    governorate: str | None
    tariff_version: int
    quote_id: uuid.UUID
    currency: str
    amount_piastres: int
    lines: list[FeeLine]
    method: str
    provider_reference: str | None
    next_action: dict[str, Any] | None
    failure_reason: str | None
    receipt_number: str | None
    refunded_piastres: int
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None


class IntentPage(BaseModel):
    items: list[IntentOut]
    next_cursor: str | None


class TransitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    reason: str | None
    actor: str
    at: datetime
