from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.fields import Channel, GovernorateCode, PaymentMethod, ServiceCode
from kit.errors import invalid


class QuoteLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1, max_length=64)
    amount_piastres: int
    label_ar: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)


class Quote(BaseModel):
    """The claims of a verified quote (catalog's contract)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    jti: uuid.UUID
    iat: int
    exp: int
    service_code: ServiceCode
    channel: Channel
    method: PaymentMethod
    governorate: GovernorateCode | None = None
    tariff_version: int = Field(ge=1)
    currency: str = Field(pattern=r"^EGP$")
    total_piastres: int = Field(gt=0)
    lines: tuple[QuoteLine, ...] = Field(min_length=1, max_length=20)
    order_ref: str | None = Field(default=None, max_length=200, description="The order it was issued for.")
    sub: str | None = Field(default=None, max_length=100, description="The citizen it was issued to.")

    @model_validator(mode="after")
    def _lines_add_up(self) -> Quote:
        if sum(line.amount_piastres for line in self.lines) != self.total_piastres:
            raise invalid("quote_lines_total")
        return self
