from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from contracts.fields import Channel, PaymentMethod, TypedNationalId
from kit.errors import invalid
from notary.certificates.models import CertificateRequest
from notary.poa.schemas import PaymentInstructions

Kind = Literal["birth", "marriage", "divorce"]


class CreateCertificate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    national_id: TypedNationalId | None = None
    """Birth: whose (you, your spouse, child or parent); default you."""
    marriage_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    """Marriage or divorce: which marriage (from `/v1/certificates/family`)."""
    method: PaymentMethod
    channel: Channel = "web"

    @model_validator(mode="after")
    def _marriage_for_marriage_kinds(self) -> CreateCertificate:
        if self.kind in ("marriage", "divorce") and not self.marriage_id:
            raise invalid("marriage_id_required")
        return self


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod | None = None
    channel: Channel | None = None


class FamilyMember(BaseModel):
    national_id: str
    full_name_ar: str
    relation: Literal["self", "spouse", "child", "parent"]
    birth_date: date
    alive: bool


class MarriageOut(BaseModel):
    marriage_id: str
    husband_national_id: str
    wife_national_id: str
    marriage_date: date
    divorce_date: date | None
    relation: Literal["self", "parent"]


class FamilyOut(BaseModel):
    members: list[FamilyMember]
    marriages: list[MarriageOut]


class CertificateOut(BaseModel):
    id: uuid.UUID
    kind: str
    status: str
    relation: str
    subject_national_ids: list[str]
    marriage_id: str | None
    service_code: str
    order_ref: str
    amount_piastres: int | None
    quote_expires_at: datetime | None
    payment: PaymentInstructions | None
    payment_id: uuid.UUID | None
    paid_at: datetime | None
    document_number: str | None
    issued_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, c: CertificateRequest) -> CertificateOut:
        payment = None
        if c.status == "awaiting_payment" and c.quote_token:
            payment = PaymentInstructions(order_id=str(c.id), quote=c.quote_token, method=c.method)
        fields: dict[str, Any] = {k: getattr(c, k) for k in cls.model_fields if k not in {"payment", "order_ref"}}
        return cls(**fields, payment=payment, order_ref=c.order_ref)


class CertificatePage(BaseModel):
    items: list[CertificateOut]
    next_cursor: str | None
