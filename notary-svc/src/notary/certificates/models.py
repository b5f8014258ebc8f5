"""Civil-status certificate requests (birth, marriage, divorce extracts)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from contracts import orders
from contracts.events.notary import CertificateKind
from notary.models import Base


class CertStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    ISSUED = "issued"
    CANCELLED = "cancelled"


class CertificateRequest(Base):
    __tablename__ = "certificate_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    citizen_id: Mapped[uuid.UUID]
    kind: Mapped[CertificateKind] = mapped_column(Text)
    relation: Mapped[str] = mapped_column(comment="self, spouse, child, parent (as the registry links them)")
    subject_national_ids: Mapped[list[str]] = mapped_column(JSONB)
    marriage_id: Mapped[str | None]
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB, comment="registry data the certificate states")
    service_code: Mapped[str]
    status: Mapped[str]
    channel: Mapped[str]
    method: Mapped[str]
    quote_id: Mapped[str | None]
    quote_token: Mapped[str | None]
    amount_piastres: Mapped[int | None] = mapped_column(BigInteger)
    quote_expires_at: Mapped[datetime | None]
    payment_id: Mapped[uuid.UUID | None]
    paid_at: Mapped[datetime | None]
    document_number: Mapped[str | None]
    issued_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def order_ref(self) -> str:
        return orders.order_ref("notary", self.id)
