"""Payment events: intents and their outcomes."""

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
