from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ReceiptLine(BaseModel):
    code: str
    label: str = Field(description="The fee line's name, in the receipt's language.")
    amount_piastres: int
    amount: str = Field(description="The amount as the receipt's language writes it (a discount is negative).")


class Receipt(BaseModel):
    """A receipt wholly in the caller's language (`language`, and the Content-Language header):
    Arabic by default, English by Accept-Language. Amounts keep their piastres beside the text."""

    receipt_number: str
    language: Literal["ar", "en"]
    title: str
    payment_id: uuid.UUID
    issued_at: datetime
    issued_on: str = Field(description="Day and time of issue, Cairo time, in the receipt's language.")
    service_code: str
    service_name: str | None = Field(description="The service's catalogue name (null if the catalogue is unreachable).")
    order_ref: str
    method: str = Field(description="How it was paid, in the receipt's language.")
    method_code: str
    transaction_id: str
    currency: str
    lines: list[ReceiptLine]
    total_piastres: int
    total: str
    refunded_piastres: int
    refunded: str | None = Field(description="The amount refunded so far, if any, in the receipt's language.")
    status: str
    status_name: str = Field(description="The payment's status, in the receipt's language.")
