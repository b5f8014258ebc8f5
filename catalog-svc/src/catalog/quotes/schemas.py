from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from catalog.tariffs.schemas import Line
from contracts.fields import Channel, GovernorateCode, PaymentMethod, ServiceCode

ISSUER = "shubbak-catalog"
AUDIENCE = "shubbak-payment"
ORDER_REF = r"^[a-z][a-z0-9_-]{1,39}:[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$"


class OrderQuoteIn(BaseModel):
    """A service asks for the quote of one of its orders (service-to-service only)."""

    model_config = ConfigDict(extra="forbid")

    service_code: ServiceCode
    channel: Channel
    method: PaymentMethod
    governorate: GovernorateCode | None = None
    order_ref: str = Field(pattern=ORDER_REF, description="`<owner service>:<order id>`, as payment-svc names it.")
    citizen_id: uuid.UUID = Field(description="The citizen the order is for: the only one who can pay with it.")


class QuoteOut(BaseModel):
    quote_id: uuid.UUID
    service_code: str
    channel: Channel
    method: PaymentMethod
    governorate: str | None
    lines: list[Line]
    total_piastres: int
    currency: Literal["EGP"] = "EGP"
    issued_at: datetime
    expires_at: datetime
    tariff_version: int
    order_ref: str | None = Field(
        default=None, description="The order the quote is for (claim `order_ref`); none on a quote for browsing fees."
    )
    citizen_id: uuid.UUID | None = Field(default=None, description="The citizen it is for (claim `sub`).")
    token: str = Field(
        description="Compact JWS (EdDSA, header kid) over the same facts; verify with "
        "/.well-known/quote-keys.json, iss shubbak-catalog, aud shubbak-payment. payment-svc takes a "
        "payment only with a quote bound to the order (`order_ref`) and its citizen (`sub`)."
    )


class SigningKeyOut(BaseModel):
    kid: str
