from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel


class Bilingual(BaseModel):
    ar: str
    en: str


class ReceiptLine(BaseModel):
    code: str
    label: Bilingual
    amount_piastres: int
    amount: Bilingual


class Receipt(BaseModel):
    receipt_number: str
    title: Bilingual
    payment_id: uuid.UUID
    issued_at: datetime
    service_code: str
    order_ref: str
    method: Bilingual
    transaction_id: str
    currency: str
    lines: list[ReceiptLine]
    total_piastres: int
    total: Bilingual
    refunded_piastres: int
    status: str
