from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from gateway.webhooks.filters import MAX_FIELDS, MAX_VALUES, Scalar

FilterValue = Scalar | list[Scalar]


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="Where deliveries are POSTed (https outside development).")
    event_types: list[str] = Field(min_length=1, max_length=50, examples=[["notary.poa.revoked.v1"]])
    filter: dict[str, FilterValue] = Field(
        default_factory=dict,
        max_length=MAX_FIELDS,
        description="Equality on top-level data fields; a list means any of its values.",
        examples=[{"governorate": "03"}],
    )
    description: str = Field(default="", max_length=500, examples=["Ministry of Finance: revoked powers of attorney"])


class SubscriptionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "disabled"] | None = Field(
        default=None, description="`active` re-enables a disabled endpoint and sends what was held."
    )
    url: HttpUrl | None = None
    filter: dict[str, FilterValue] | None = Field(default=None, max_length=MAX_FIELDS)
    description: str | None = Field(
        default=None, max_length=500, examples=["Ministry of Finance: revoked powers of attorney"]
    )


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str = Field(examples=["https://integrations.mof.gov.eg/shubbak/webhooks"])
    description: str = Field(examples=["Ministry of Finance: revoked powers of attorney"])
    event_types: list[str] = Field(examples=[["notary.poa.revoked.v1"]])
    filter: dict[str, FilterValue]
    status: Literal["active", "disabled"]
    disabled_reason: str | None
    disabled_at: datetime | None
    consecutive_failures: int
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="whsec_…: verify `webhook-signature` with it (Standard Webhooks).")


class SubscriptionPage(BaseModel):
    items: list[SubscriptionOut]
    next_cursor: str | None


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_id: uuid.UUID = Field(description="Sent as webhook-id: the same on every attempt and replay.")
    event_type: str
    status: Literal["pending", "delivered", "failed", "held"]
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


def check_filter_values(filter_: dict[str, FilterValue]) -> bool:
    return all(not isinstance(v, list) or len(v) <= MAX_VALUES for v in filter_.values())
