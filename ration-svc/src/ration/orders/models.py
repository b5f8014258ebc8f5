"""The columns every paid order of a card service carries (a replacement card, a member request):
the locked quote, and what payment-svc reported. How a payment is judged and answered is the same
for every order type of every service (`kit.payable`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from contracts import orders
from kit import payable
from kit.catalog import Quote
from kit.errors import ProblemError

AWAITING = "awaiting_payment"


def citizen_of(subject: str, *, strict: bool = True) -> uuid.UUID:
    """A citizen's account id (identity's ids are UUIDs), which catalog binds a quote to. Not one:
    403 (`strict`), or an id no payment is ever made by."""
    try:
        return uuid.UUID(subject)
    except ValueError as exc:
        if strict:
            raise ProblemError("forbidden", status=403) from exc
        return uuid.UUID(int=0)


class PaidOrder:
    """Mixin of the order tables: `ration:<id>` is how payment-svc names the order."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    requested_by: Mapped[str] = mapped_column(String(100))
    """The holder's citizen account (the token's subject): the quote is bound to it."""
    status: Mapped[str] = mapped_column(String(20))
    service_code: Mapped[str] = mapped_column(String(64))
    governorate: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    quote_id: Mapped[str] = mapped_column(String(64))
    quote_token: Mapped[str] = mapped_column(Text)
    amount_piastres: Mapped[int] = mapped_column(BigInteger)
    fee_lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    quote_expires_at: Mapped[datetime]
    payment_id: Mapped[uuid.UUID | None]
    paid_piastres: Mapped[int | None] = mapped_column(BigInteger)
    paid_at: Mapped[datetime | None]
    failed_payments: Mapped[int] = mapped_column(server_default="0", default=0)
    last_payment_failure: Mapped[str | None] = mapped_column(String(30))
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(500))
    refund_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def order_ref(self) -> str:
        return orders.order_ref("ration", self.id)

    def payable(self, *, ended: bool) -> payable.Order:
        """The order as `kit.payable` judges a payment of it (`ended`: without its service)."""
        return payable.Order(
            citizen_id=citizen_of(self.requested_by, strict=False),
            service_code=self.service_code,
            fee_piastres=self.amount_piastres,
            awaiting_payment=self.status == AWAITING,
            paid_by=self.payment_id,
            ended="order_cancelled" if ended else None,
        )

    def take_quote(self, quote: Quote) -> None:
        """Lock the fee of catalog's quote for this order (the only quote payment-svc takes for it)."""
        self.channel, self.method = quote.channel, quote.method
        self.quote_id, self.quote_token = quote.quote_id, quote.token
        self.amount_piastres, self.quote_expires_at = quote.total_piastres, quote.expires_at
        self.fee_lines = [line.model_dump() for line in quote.lines]
