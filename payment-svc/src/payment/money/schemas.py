from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class HeldPayment(BaseModel):
    payment_id: uuid.UUID
    order_ref: str
    status: str
    owner_answer: str | None
    owner_reason: str | None
    paid_at: datetime | None
    held_piastres: int = Field(description="Captured and neither refunded nor kept for its order.")


class MoneyInvariant(BaseModel):
    """money captured = fees kept for orders fulfilled or in progress + refunds issued."""

    as_of: datetime
    captured_piastres: int = Field(description="Every capture by every provider.")
    refunded_piastres: int = Field(description="Every refund issued.")
    kept_piastres: int = Field(description="Fees of orders fulfilled or in progress (their owner applied the payment).")
    awaiting_answer_piastres: int = Field(
        description="Paid within the service time; the owning service has not answered yet (in flight)."
    )
    held_without_service_piastres: int = Field(
        description="Everything else: captured, not refunded, not kept for an order. Must be 0."
    )
    holds: bool = Field(description="captured = kept + refunded + awaiting answer: nothing held without its service.")
    settled: bool = Field(description="`holds`, and nothing awaits an answer either: captured = kept + refunded.")
    payments: dict[str, int] = Field(description="How many payments that captured money stand in each group.")
    intents_agree: bool = Field(description="The payments' own amounts agree with the captures and refunds kept.")
    ledger_agrees: bool = Field(
        description="The ledger agrees: providers' and treasury's balances = captured − refunded, suspense empty."
    )
    held: list[HeldPayment] = Field(description="The payments held without their service (at most 100, oldest first).")
