"""Powers of attorney and their audit trail."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Identity, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from contracts import orders
from contracts.events.notary import PoaKind
from notary.models import Base


class Status(StrEnum):
    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    APPOINTMENT_BOOKED = "appointment_booked"
    NO_SHOW = "no_show"
    VERIFIED = "verified"
    ISSUED = "issued"
    REVOKED = "revoked"
    CANCELLED = "cancelled"


OPEN = (
    Status.DRAFT,
    Status.AWAITING_PAYMENT,
    Status.PAID,
    Status.APPOINTMENT_BOOKED,
    Status.NO_SHOW,
    Status.VERIFIED,
)
PAID_STATES = (Status.PAID, Status.APPOINTMENT_BOOKED, Status.NO_SHOW)
"""Paid and not yet verified: cancelling refunds the fee."""


class PowerOfAttorney(Base):
    __tablename__ = "powers_of_attorney"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    citizen_id: Mapped[uuid.UUID]
    principal_national_id: Mapped[str] = mapped_column(String(14))
    principal: Mapped[dict[str, Any]] = mapped_column(JSONB, comment="registry snapshot at drafting")
    agents: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, comment="registry snapshots, in order")
    kind: Mapped[PoaKind] = mapped_column(Text)
    service_code: Mapped[str]
    scopes: Mapped[list[str]] = mapped_column(JSONB)
    special_conditions: Mapped[list[str]] = mapped_column(JSONB)
    valid_until: Mapped[date | None]
    governorate: Mapped[str] = mapped_column(String(2), comment="principal's residence (registry)")
    status: Mapped[str]
    channel: Mapped[str | None]
    method: Mapped[str | None]
    quote_id: Mapped[str | None]
    quote_token: Mapped[str | None]
    amount_piastres: Mapped[int | None] = mapped_column(BigInteger)
    quote_expires_at: Mapped[datetime | None]
    payment_id: Mapped[uuid.UUID | None]
    paid_piastres: Mapped[int | None] = mapped_column(BigInteger)
    paid_at: Mapped[datetime | None]
    appointment_id: Mapped[uuid.UUID | None]
    office_id: Mapped[uuid.UUID | None]
    appointment_starts_at: Mapped[datetime | None]
    appointment_ends_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    clerk_id: Mapped[uuid.UUID | None]
    document_number: Mapped[str | None]
    issued_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(comment="why it was cancelled or revoked")
    payment_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONB, comment="the payment event it rests on")
    verification_evidence: Mapped[dict[str, Any] | None] = mapped_column(
        JSONB, comment="the clerk's verification event it rests on"
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def order_ref(self) -> str:
        return orders.order_ref("notary", self.id)


class PoaTransition(Base):
    """The audit trail: every status change, who caused it and why."""

    __tablename__ = "poa_transitions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    poa_id: Mapped[uuid.UUID]
    from_status: Mapped[str | None]
    to_status: Mapped[str]
    actor: Mapped[str]
    reason: Mapped[str | None]
    at: Mapped[datetime]
