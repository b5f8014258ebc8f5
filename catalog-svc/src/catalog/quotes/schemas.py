from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from catalog.tariffs.schemas import Line
from contracts.fields import Channel, PaymentMethod

ISSUER = "shubbak-catalog"
AUDIENCE = "shubbak-payment"


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
    token: str = Field(
        description="Compact JWS (EdDSA, header kid) over the same facts; verify with "
        "/.well-known/quote-keys.json, iss shubbak-catalog, aud shubbak-payment."
    )


class SigningKeyOut(BaseModel):
    kid: str
