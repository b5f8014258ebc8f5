"""Notarization events: powers of attorney (توكيل)."""

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.fields import ArabicText, GovernorateCode, NationalId, ServiceCode, UtcDatetime

PoaKind = Literal["general", "special"]


class PoaIssued(Event, subject="notary.poa.issued.v1", aggregate="poa_id"):
    """A power of attorney was verified at an office and issued."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    document_number: str = Field(min_length=1, max_length=50, description="Number printed on the notarized document.")
    kind: PoaKind = Field(description="General (توكيل عام) or special power of attorney.")
    principal_national_id: NationalId = Field(description="The principal (الموكل).")
    agent_national_id: NationalId = Field(description="The agent (الوكيل).")
    scope: tuple[ArabicText, ...] = Field(min_length=1, description="The powers granted (the document's elements).")
    special_conditions: tuple[ArabicText, ...] = Field(
        default=(), description="Conditions added by the principal, if any."
    )
    office_id: UUID = Field(description="Office where it was verified and collected.")
    valid_until: date | None = Field(default=None, description="Expiry date; none = until revoked.")
    issued_at: UtcDatetime = Field(description="When it was issued.")


class PoaRevoked(Event, subject="notary.poa.revoked.v1", aggregate="poa_id"):
    """A power of attorney was revoked by its principal."""

    poa_id: UUID = Field(description="Id of the revoked power of attorney.")
    principal_national_id: NationalId = Field(description="The principal who revoked it.")
    reason: ArabicText | None = Field(default=None, description="Stated reason, if any.")
    revoked_at: UtcDatetime = Field(description="When the revocation took effect.")


class PoaPaid(Event, subject="notary.poa.paid.v1", aggregate="poa_id"):
    """A power of attorney's fee was paid; it now needs the principal in person at an office."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    citizen_id: UUID = Field(description="The principal's citizen account.")
    principal_national_id: NationalId = Field(description="The principal (الموكل).")
    kind: PoaKind = Field(description="General or special.")
    service_code: ServiceCode = Field(description="Catalog code of the service, e.g. notary.poa.general.")
    governorate: GovernorateCode = Field(description="The principal's governorate: where an office is assigned.")
    order_ref: str = Field(
        min_length=1, max_length=200, description="What an office visit is for: `notary:<poa_id>` (as payment-svc)."
    )
    paid_at: UtcDatetime = Field(description="When the payment succeeded.")


class PoaCancelled(Event, subject="notary.poa.cancelled.v1", aggregate="poa_id"):
    """A power of attorney was cancelled before verification; its fee is to be refunded."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    citizen_id: UUID = Field(description="The principal's citizen account.")
    order_ref: str = Field(min_length=1, max_length=200, description="`notary:<poa_id>`, as in the payment.")
    refund_due: bool = Field(description="True when a fee was paid and must be refunded in full.")
    cancelled_at: UtcDatetime = Field(description="When it was cancelled.")
