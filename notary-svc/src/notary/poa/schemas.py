from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.fields import Channel, PaymentMethod, TypedNationalId
from kit import i18n
from kit.clock import local_day
from kit.evidence import CitedFact, FactRef, verification_text
from notary.poa.models import PoaTransition, PowerOfAttorney
from notary.poa.scopes import BY_CODE

Condition = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
ScopeCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{3,40}$")]


class CreatePoa(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "special",
                    "scopes": ["vehicles", "government_dealings"],
                    "agents": ["27912050256139"],
                    "special_conditions": ["يقتصر على بيع السيارة رقم ق ط ع ١٢٣٤ وترخيصها"],
                    "valid_until": "2027-12-31",
                }
            ]
        },
    )

    kind: Literal["general", "special"]
    scopes: list[ScopeCode] = Field(
        min_length=1, max_length=7, description="Codes from `/v1/powers-of-attorney/scopes`."
    )
    agents: list[TypedNationalId] = Field(min_length=1, max_length=20, description="Agents' national IDs.")
    special_conditions: list[Condition] = Field(default_factory=list, max_length=50)
    valid_until: date | None = Field(default=None, description="None: until revoked.")


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod
    channel: Channel = "web"


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] | None = None


class ScopeOut(BaseModel):
    code: str = Field(examples=["vehicles"])
    ar: str = Field(examples=["بيع وشراء وترخيص السيارات والتعامل مع إدارات المرور"])
    en: str = Field(examples=["Sale, purchase and licensing of vehicles, and dealing with traffic departments"])
    general: bool = Field(examples=[False])


class PaymentInstructions(BaseModel):
    """What to send to `POST /v1/payments` (with an `Idempotency-Key`)."""

    owner_service: Literal["notary"] = "notary"
    order_id: str
    quote: str
    method: str


class QuoteOut(BaseModel):
    service_code: str
    amount_piastres: int
    lines: list[dict[str, Any]]
    expires_at: datetime
    payment: PaymentInstructions


class PersonOut(BaseModel):
    national_id: str
    full_name_ar: str
    full_name_latin: str | None = None


class PoaFactOut(CitedFact):
    """A signed event an issued power of attorney rests on: the payment, or the clerk's verification."""

    role: Literal["payment", "verification"]

    @classmethod
    def of(cls, role: Literal["payment", "verification"], stored: dict[str, Any], poa: PowerOfAttorney) -> PoaFactOut:
        ref = FactRef.model_validate(stored)
        amount = i18n.Money(poa.paid_piastres or 0)
        return cls(
            role=role,
            event_id=ref.event_id,
            type=ref.type,
            source=ref.source,
            stated_at=ref.time,
            statement=i18n.text(f"citation.{role}", amount=amount, date=i18n.Day(ref.time)),
            verification=ref.verification,
            verification_text=verification_text(ref.verification),
        )


def cited_facts(poa: PowerOfAttorney) -> list[PoaFactOut]:
    """What it rests on so far: the payment once paid, the clerk's verification once verified."""
    facts = []
    if poa.payment_evidence is not None:
        facts.append(PoaFactOut.of("payment", poa.payment_evidence, poa))
    if poa.verification_evidence is not None:
        facts.append(PoaFactOut.of("verification", poa.verification_evidence, poa))
    return facts


class PoaOut(BaseModel):
    id: uuid.UUID
    status: str = Field(examples=["awaiting_payment"])
    display_status: str = Field(
        description="`expired` for an issued one past its validity; else `status`.", examples=["awaiting_payment"]
    )
    kind: str = Field(examples=["special"])
    service_code: str
    principal: PersonOut
    agents: list[PersonOut]
    scopes: list[ScopeOut]
    special_conditions: list[str]
    valid_until: date | None
    governorate: str
    order_ref: str
    amount_piastres: int | None
    quote_expires_at: datetime | None
    payment_id: uuid.UUID | None
    paid_at: datetime | None
    appointment_id: uuid.UUID | None
    office_id: uuid.UUID | None
    appointment_starts_at: datetime | None
    appointment_ends_at: datetime | None
    verified_at: datetime | None
    document_number: str | None
    issued_at: datetime | None
    revoked_at: datetime | None
    cancelled_at: datetime | None
    reason: str | None
    evidence: list[PoaFactOut] = Field(
        default_factory=list,
        description="The signed events it rests on (the payment, the clerk's verification); its bundle is at"
        " `/v1/powers-of-attorney/{poa_id}/evidence`.",
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, poa: PowerOfAttorney, *, now: datetime) -> PoaOut:
        expired = poa.status == "issued" and poa.valid_until is not None and poa.valid_until < local_day(now)
        scopes = [BY_CODE[c] for c in poa.scopes if c in BY_CODE]
        return cls(
            **{
                k: getattr(poa, k)
                for k in cls.model_fields
                if k not in {"display_status", "principal", "agents", "scopes", "order_ref", "evidence"}
            },
            evidence=cited_facts(poa),
            display_status="expired" if expired else poa.status,
            principal=PersonOut.model_validate(poa.principal),
            agents=[PersonOut.model_validate(a) for a in poa.agents],
            scopes=[ScopeOut(code=s.code, ar=s.ar, en=s.en, general=s.general) for s in scopes],
            order_ref=poa.order_ref,
        )


class PoaPage(BaseModel):
    items: list[PoaOut]
    next_cursor: str | None


class TransitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    actor: str
    reason: str | None
    at: datetime

    @classmethod
    def of(cls, t: PoaTransition) -> TransitionOut:
        return cls.model_validate(t)
