"""Notarization events: powers of attorney (توكيل)."""

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.fields import ArabicText, GovernorateCode, NationalId, Piastres, ServiceCode, UtcDatetime

PoaKind = Literal["general", "special"]


class PoaIssued(Event, subject="notary.poa.issued.v1", aggregate="poa_id"):
    """A power of attorney was verified at an office and issued."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    document_number: str = Field(min_length=1, max_length=50, description="Number printed on the notarized document.")
    kind: PoaKind = Field(description="General (توكيل عام) or special power of attorney.")
    principal_national_id: NationalId = Field(description="The principal (الموكل).")
    agent_national_id: NationalId = Field(description="The agent (الوكيل); the first one when there are several.")
    agent_national_ids: tuple[NationalId, ...] = Field(
        default=(), description="Every agent named, in order (empty from producers before this field existed)."
    )
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
    document_number: str | None = Field(
        default=None, max_length=50, description="Number of the revoked document (what a bank holds)."
    )
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
    """A power of attorney was cancelled before verification; a fee paid is refunded (payment.order.refused.v1)."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    citizen_id: UUID = Field(description="The principal's citizen account.")
    order_ref: str = Field(min_length=1, max_length=200, description="`notary:<poa_id>`, as in the payment.")
    refund_due: bool = Field(description="True when a fee had been paid (it is refunded in full).")
    cancelled_at: UtcDatetime = Field(description="When it was cancelled.")


class PoaDrafted(Event, subject="notary.poa.drafted.v1", aggregate="poa_id"):
    """A citizen drafted a power of attorney (principal, agents and scope checked against the registry)."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    citizen_id: UUID = Field(description="The principal's citizen account.")
    kind: PoaKind = Field(description="General or special.")
    agent_count: int = Field(ge=1, description="How many agents it names.")
    drafted_at: UtcDatetime = Field(description="When it was drafted.")


class PoaSubmitted(Event, subject="notary.poa.submitted.v1", aggregate="poa_id"):
    """A drafted power of attorney got its locked fee quote and awaits payment."""

    poa_id: UUID = Field(description="Id of the power of attorney.")
    citizen_id: UUID = Field(description="The principal's citizen account.")
    service_code: ServiceCode = Field(description="Catalog code of the service.")
    amount_piastres: Piastres = Field(gt=0, description="The quoted fee, in piastres.")
    order_ref: str = Field(min_length=1, max_length=200, description="`notary:<poa_id>`, what the payment is for.")
    submitted_at: UtcDatetime = Field(description="When the quote was locked.")


CertificateKind = Literal["birth", "marriage", "divorce"]


class CertificateIssued(Event, subject="notary.certificate.issued.v1", aggregate="certificate_id"):
    """A civil-status certificate was paid and issued from the registry's data (no office visit)."""

    certificate_id: UUID = Field(description="Id of the certificate request.")
    citizen_id: UUID = Field(description="The citizen who asked and paid.")
    kind: CertificateKind = Field(description="Birth, marriage or divorce extract.")
    document_number: str = Field(min_length=1, max_length=50, description="Number of the issued document.")
    subject_national_ids: tuple[NationalId, ...] = Field(
        min_length=1, description="Whose civil-status fact it certifies (the person, or both spouses)."
    )
    issued_at: UtcDatetime = Field(description="When it was issued.")
