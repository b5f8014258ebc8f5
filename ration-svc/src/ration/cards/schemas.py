from __future__ import annotations

from datetime import datetime
from typing import Literal, cast
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import Channel, PaymentMethod
from ration.cards.models import ReplacementOrder
from ration.eligibility.schemas import DecisionOut
from ration.orders.models import PaidOrder


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    national_id: str
    relation: str
    source: str = Field(description="How the member was added: import, registration, birth, marriage.")
    added_at: datetime


class CardOut(BaseModel):
    id: UUID
    card_number: str
    governorate: str
    supply_office: str
    status: str
    holder_national_id: str
    card_valid: bool = Field(
        default=True, description="False while the number is invalidated (reported lost, replacement pending)."
    )
    members: list[MemberOut]
    decision: DecisionOut | None = Field(description="The current decision, with its reasons.")
    history: list[DecisionOut] = Field(description="The latest decisions, newest first (see /decisions for all).")


ReplacementReason = Literal["damaged", "lost"]
ReplacementStatus = Literal["awaiting_payment", "issued", "cancelled", "failed"]


class ReplacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReplacementReason = Field(description="بدل تالف (damaged) or بدل فاقد (lost).")
    method: PaymentMethod = Field(default="card", description="How you will pay; the fee may differ by method.")
    channel: Channel = Field(default="web", description="Where you ask from; the fee may differ by channel.")


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod
    channel: Channel = "web"


class FeeLineOut(BaseModel):
    code: str = Field(examples=["base_fee"])
    amount_piastres: int
    label_ar: str | None = Field(default=None, examples=["رسم استخراج بدل فاقد"])
    label_en: str | None = Field(default=None, examples=["Replacement card fee"])


class FeeOut(BaseModel):
    service_code: str
    amount_piastres: int = Field(description="The published fee for this channel and method, in piastres.")
    currency: Literal["EGP"] = "EGP"
    lines: list[FeeLineOut]
    quote_id: str
    quote_expires_at: datetime = Field(description="Pay before this, or ask for a new quote (`.../quote`).")


class PaymentInstructions(BaseModel):
    """What to send to `POST /v1/payments` (with an `Idempotency-Key`)."""

    owner_service: Literal["ration"] = "ration"
    order_id: str
    quote: str
    method: str


class NextStep(BaseModel):
    ar: str = Field(examples=["احجز موعدًا في مكتب التموين لاستلام البطاقة الجديدة"])
    en: str = Field(examples=["Book an appointment at the supply office to collect the new card"])


class ReplacementOut(BaseModel):
    id: UUID
    card_id: UUID
    reason: ReplacementReason
    status: ReplacementStatus
    order_ref: str = Field(description="`ration:<id>`: how payment-svc names this order.")
    fee: FeeOut
    old_card_number: str
    old_card_valid: bool = Field(description="False once the old number is invalidated (a lost card: at once).")
    new_card_number: str | None = None
    payment: PaymentInstructions | None = Field(default=None, description="Present while the order awaits payment.")
    payment_id: UUID | None = None
    paid_piastres: int | None = None
    failed_payments: int = Field(description="Payments that failed for this order; pay again while it awaits payment.")
    last_payment_failure: str | None = None
    refund_requested: bool = Field(
        description="A payment the order could not take (it had ended, was paid already, or was not its fee) "
        "is being refunded."
    )
    end_reason: str | None = None
    next_step: NextStep = Field(description="What you do next, in Arabic and English.")
    created_at: datetime
    updated_at: datetime
    issued_at: datetime | None = None
    ended_at: datetime | None = None


class ReplacementPage(BaseModel):
    items: list[ReplacementOut]
    next_cursor: str | None


def fee_out(order: PaidOrder) -> FeeOut:
    """The fee locked by the order's quote (any paid order of a card service)."""
    return FeeOut(
        service_code=order.service_code,
        amount_piastres=order.amount_piastres,
        lines=[FeeLineOut.model_validate(line) for line in order.fee_lines],
        quote_id=order.quote_id,
        quote_expires_at=order.quote_expires_at,
    )


def replacement_out(order: ReplacementOrder, *, next_step: dict[str, str]) -> ReplacementOut:
    awaiting = order.status == "awaiting_payment"
    return ReplacementOut(
        id=order.id,
        card_id=order.household_id,
        reason=cast(ReplacementReason, order.reason),
        status=cast(ReplacementStatus, order.status),
        order_ref=order.order_ref,
        fee=fee_out(order),
        old_card_number=order.old_card_number,
        old_card_valid=order.old_invalidated_at is None,
        new_card_number=order.new_card_number,
        payment=PaymentInstructions(order_id=str(order.id), quote=order.quote_token, method=order.method)
        if awaiting
        else None,
        payment_id=order.payment_id,
        paid_piastres=order.paid_piastres,
        failed_payments=order.failed_payments,
        last_payment_failure=order.last_payment_failure,
        refund_requested=order.refund_requested_at is not None,
        end_reason=order.end_reason,
        next_step=NextStep(**next_step),
        created_at=order.created_at,
        updated_at=order.updated_at,
        issued_at=order.issued_at,
        ended_at=order.ended_at,
    )
