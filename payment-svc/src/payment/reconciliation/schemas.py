from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class LineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line_no: int | None
    transaction_id: str | None
    amount_piastres: int | None
    expected_piastres: int | None
    outcome: str
    payment_id: uuid.UUID | None
    detail: str | None


class SettlementReport(BaseModel):
    id: uuid.UUID
    provider: str
    sha256: str
    filename: str | None
    through: datetime
    imported_at: datetime
    imported_by: str
    replayed: bool
    summary: dict[str, Any]
    discrepancies: list[LineOut]
