"""Payment events: intents and their outcomes, and the owning service's answer to a payment.

The order/payment contract: payment-svc announces `payment.intent.succeeded.v1` for an order
(`order_ref` = `<owner service>:<order id>`); the service that owns the order answers once per
announcement with `payment.order.applied.v1` (it keeps the money for the order's service) or
`payment.order.refused.v1` (it does not, or no longer: the order ended, was paid by another
payment, or the payment is not the order's own). payment-svc refunds every refused payment, and
re-announces a payment that has no answer after the service time. An owner answers a repeated
announcement of the same payment the same way, and never applies one after its `answer_by`.
"""

from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.fields import PaymentMethod, Piastres, ServiceCode, UtcDatetime

FailureReason = Literal["declined", "expired", "cancelled", "provider_error"]

_ORDER_REF = "Opaque reference of what is paid for, set by the requesting service."


class PaymentIntentCreated(Event, subject="payment.intent.created.v1", aggregate="payment_id"):
    """A citizen started paying a service fee; the payment awaits the provider."""

    payment_id: UUID = Field(description="Payment id (the intent and its outcome share it).")
    citizen_id: UUID = Field(description="The paying citizen.")
    service_code: ServiceCode
    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    amount_piastres: Piastres = Field(gt=0, description="Amount due, in piastres.")
    method: PaymentMethod = Field(description="The payment method chosen.")
    provider_reference: str | None = Field(
        default=None,
        max_length=100,
        description="Reference number given to the citizen (post office, cash networks).",
    )
    expires_at: UtcDatetime = Field(description="After this the intent fails as expired.")
    created_at: UtcDatetime = Field(description="When the intent was created.")


class PaymentSucceeded(Event, subject="payment.intent.succeeded.v1", aggregate="payment_id"):
    """A payment intent was paid in full."""

    payment_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    amount_piastres: Piastres = Field(gt=0, description="Amount paid, in piastres.")
    method: PaymentMethod
    provider_reference: str = Field(min_length=1, max_length=100, description="The provider's transaction reference.")
    paid_at: UtcDatetime = Field(description="When the provider confirmed the payment.")
    answer_by: UtcDatetime | None = Field(
        default=None,
        description=(
            "The owning service answers (applied or refused) before this; past it payment-svc refunds an "
            "unanswered payment, so an owner must refuse it (`answer_too_late`) rather than apply it."
        ),
    )


class PaymentFailed(Event, subject="payment.intent.failed.v1", aggregate="payment_id"):
    """A payment intent failed and will not be paid."""

    payment_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    reason: FailureReason = Field(description="Why the payment failed.")
    failed_at: UtcDatetime = Field(description="When the failure was recorded.")


class PaymentRefunded(Event, subject="payment.intent.refunded.v1", aggregate="payment_id"):
    """A succeeded payment was refunded, in full or in part."""

    payment_id: UUID
    refund_id: UUID = Field(description="Id of this refund (a payment may have several).")
    citizen_id: UUID
    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    amount_piastres: Piastres = Field(gt=0, description="Amount refunded, in piastres.")
    reason: str = Field(min_length=1, max_length=500, description="Why it was refunded.")
    refunded_at: UtcDatetime = Field(description="When the refund was made.")


class PaymentAnswerRequested(PaymentSucceeded, subject="payment.order.answer_requested.v1", aggregate="payment_id"):
    """payment-svc asks the owning service again about a succeeded payment it has not answered yet."""

    # The same facts as payment.intent.succeeded.v1, for the owner only (nobody is told twice that
    # they paid): sent when the answer is overdue (lost, or the owner's consumer gave up on the
    # announcement). The owner answers it exactly as it answers the announcement.


RefusalReason = Literal[
    "order_not_found",
    "not_awaiting_payment",
    "order_cancelled",
    "order_expired",
    "already_paid",
    "amount_mismatch",
    "service_mismatch",
    "citizen_mismatch",
    "answer_too_late",
]
"""Why the owning service does not keep a payment:
- `order_not_found`: no such order (or not of this owner);
- `not_awaiting_payment`: the order exists but takes no payment in its present state;
- `order_cancelled`, `order_expired`: the order ended before (or, once applied, after) the payment,
  without its service;
- `already_paid`: another payment was applied to the order (two payments raced);
- `amount_mismatch`, `service_mismatch`, `citizen_mismatch`: not the order's fee, service or citizen;
- `answer_too_late`: the announcement came after its `answer_by`."""


class PaymentApplied(Event, subject="payment.order.applied.v1", aggregate="payment_id"):
    """The owning service applied a succeeded payment to its order: the fee is kept for its service."""

    # Fulfilled or in progress. Sent again, unchanged, for a repeated announcement.

    payment_id: UUID
    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    citizen_id: UUID = Field(description="The order's citizen.")
    service_code: ServiceCode
    amount_piastres: Piastres = Field(gt=0, description="The fee applied, in piastres.")
    applied_at: UtcDatetime = Field(description="When the order took the payment.")


class PaymentRefused(Event, subject="payment.order.refused.v1", aggregate="payment_id"):
    """The owning service does not keep a succeeded payment: payment-svc refunds what remains of it."""

    # Never applied, or applied and then the order ended before its service (a cancellation).

    payment_id: UUID
    order_ref: str = Field(min_length=1, max_length=200, description=_ORDER_REF)
    citizen_id: UUID = Field(description="The paying citizen, as announced.")
    reason: RefusalReason = Field(description="Why the payment is not kept.")
    detail: str | None = Field(default=None, max_length=500, description="For operators: what did not match.")
    refused_at: UtcDatetime = Field(description="When the owner refused (or released) the payment.")
