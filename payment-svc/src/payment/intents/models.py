"""A payment intent, its audit trail of transitions, and the provider's captures of it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Identity, Sequence, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from payment.models import Base

RECEIPT_SEQUENCE = Sequence("receipt_number_seq", metadata=Base.metadata)


class Status(StrEnum):
    REQUIRES_PAYMENT = "requires_payment"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


OPEN = (Status.REQUIRES_PAYMENT, Status.PROCESSING)


class Answer(StrEnum):
    """The owning service's answer to a succeeded payment."""

    APPLIED = "applied"
    REFUSED = "refused"


class PaymentIntent(Base):
    __tablename__ = "payment_intents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    citizen_id: Mapped[uuid.UUID]
    owner_service: Mapped[str]
    order_id: Mapped[str]
    service_code: Mapped[str]
    channel: Mapped[str]
    governorate: Mapped[str | None]
    tariff_version: Mapped[int]
    quote_id: Mapped[uuid.UUID]
    currency: Mapped[str]
    amount_piastres: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    method: Mapped[str]
    provider: Mapped[str]
    status: Mapped[str]
    failure_reason: Mapped[str | None]
    provider_reference: Mapped[str | None]
    next_action: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    provider_txn: Mapped[str | None]
    receipt_number: Mapped[str | None]
    refunded_piastres: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    idempotency_key: Mapped[str]
    request_hash: Mapped[str]
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    # The owning service's answer to a succeeded payment (contracts.events.payment).
    owner_answer: Mapped[str | None] = mapped_column(comment="applied | refused (null: not answered)")
    owner_reason: Mapped[str | None] = mapped_column(comment="why the owner refused")
    answered_at: Mapped[datetime | None]
    answer_by: Mapped[datetime | None] = mapped_column(comment="unanswered past this (and a grace): refunded")
    announcements: Mapped[int] = mapped_column(server_default=text("0"))
    answer_check_at: Mapped[datetime | None] = mapped_column(comment="when the sweep next looks (null: nothing to do)")

    @property
    def order_ref(self) -> str:
        return f"{self.owner_service}:{self.order_id}"


class PaymentTransition(Base):
    """The audit trail: every status change, why, and who caused it."""

    __tablename__ = "payment_transitions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    payment_id: Mapped[uuid.UUID]
    from_status: Mapped[str | None]
    to_status: Mapped[str]
    reason: Mapped[str | None]
    actor: Mapped[str]
    at: Mapped[datetime]


class Capture(Base):
    """Money a provider took for an intent (normally one; a late or second one is refunded)."""

    __tablename__ = "captures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    payment_id: Mapped[uuid.UUID]
    provider: Mapped[str]
    transaction_id: Mapped[str]
    amount_piastres: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str]
    late: Mapped[bool]
    captured_at: Mapped[datetime]
    settlement_file_id: Mapped[uuid.UUID | None]
