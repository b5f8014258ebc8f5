"""Ration card events: household eligibility (التموين)."""

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event, ValueObject
from contracts.fields import ArabicText, GovernorateCode, NationalId, Piastres, ServiceCode, UtcDatetime


class ExclusionReason(ValueObject):
    """One explainable reason a household is not (or no longer) eligible."""

    code: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=64,
        description="Machine code of the rule, e.g. car_model_year, private_school_fees.",
    )
    explanation_ar: ArabicText = Field(description="The explanation shown to the citizen.")
    explanation_en: str | None = Field(
        default=None, max_length=500, description="The same explanation in English (names the same fact)."
    )


class EligibilityChanged(Event, subject="ration.eligibility.changed.v1", aggregate="card_id"):
    """A ration card's eligibility decision changed (eligible today, maybe not tomorrow)."""

    card_id: UUID = Field(description="The ration card (household).")
    holder_national_id: NationalId = Field(description="National ID of the card holder.")
    eligible: bool = Field(description="Whether the household is eligible from effective_from.")
    reasons: tuple[ExclusionReason, ...] = Field(
        default=(), description="Why it is not eligible (empty when eligible)."
    )
    appealable: bool = Field(description="Whether the citizen may appeal (تظلم) the decision.")
    appeal_deadline: date | None = Field(default=None, description="Last day to appeal.")
    rules_version: str = Field(
        min_length=1, max_length=50, description="Version of the Ministry of Supply rules applied."
    )
    effective_from: date = Field(description="First day the decision applies.")
    decided_at: UtcDatetime = Field(description="When the decision was made.")
    decision_id: UUID | None = Field(default=None, description="Id of the decision (its history entry).")
    governorate: GovernorateCode | None = Field(default=None, description="Governorate of the card.")
    override_until: date | None = Field(
        default=None, description="Eligible by an accepted appeal until this day (inclusive), despite the reasons."
    )


class AppealDecided(Event, subject="ration.appeal.decided.v1", aggregate="appeal_id"):
    """A ration officer decided an appeal (تظلم): accepted with an override until a date, or rejected."""

    appeal_id: UUID = Field(description="The appeal.")
    card_id: UUID = Field(description="The ration card (household) whose exclusion was appealed.")
    decision_id: UUID = Field(description="The eligibility decision that was appealed.")
    filed_by_national_id: NationalId = Field(description="National ID of the member who filed the appeal.")
    holder_national_id: NationalId = Field(description="National ID of the card holder.")
    governorate: GovernorateCode = Field(description="Governorate of the card (the officer's queue).")
    outcome: Literal["accepted", "rejected"] = Field(description="The officer's decision.")
    reason: str = Field(min_length=1, max_length=2000, description="The officer's reason, shown to the citizen.")
    override_until: date | None = Field(
        default=None, description="Accepted: eligible despite the reasons until this day (inclusive)."
    )
    decided_at: UtcDatetime = Field(description="When the officer decided.")


class CardReplaced(Event, subject="ration.card.replaced.v1", aggregate="card_id"):
    """A replacement ration card (بدل تالف / بدل فاقد) was issued on payment; the old number is void."""

    card_id: UUID = Field(description="The ration card (household); its id does not change.")
    order_id: UUID = Field(description="The replacement order (`ration:<order_id>` in the payment).")
    holder_national_id: NationalId = Field(description="National ID of the card holder.")
    governorate: GovernorateCode = Field(description="Governorate of the card.")
    reason: Literal["damaged", "lost"] = Field(description="Why the card was replaced.")
    old_card_number: str = Field(min_length=1, max_length=20, description="The number that no longer works.")
    new_card_number: str = Field(min_length=1, max_length=20, description="The number issued now.")
    service_code: ServiceCode
    payment_id: UUID = Field(description="The payment of the fee (payment-svc).")
    amount_piastres: Piastres = Field(ge=0, description="The fee paid, in piastres.")
    replaced_at: UtcDatetime = Field(description="When the new number was issued.")


class ReplacementCancelled(Event, subject="ration.card.replacement_cancelled.v1", aggregate="order_id"):
    """A replacement-card order ended without a card; a fee paid is refunded (payment.order.refused.v1)."""

    order_id: UUID = Field(description="The replacement order.")
    card_id: UUID = Field(description="The ration card (household).")
    order_ref: str = Field(min_length=1, max_length=200, description="`ration:<order_id>`, as in the payment.")
    refund_due: bool = Field(description="True when a fee had been paid (it is refunded in full).")
    reason: str = Field(min_length=1, max_length=500, description="Why it ended.")
    cancelled_at: UtcDatetime = Field(description="When it ended.")


MemberRequestKind = Literal["add_newborn", "remove_member"]
MemberRequestReason = Literal["birth", "death", "emigration", "marriage"]


class MemberRequestFiled(Event, subject="ration.member_request.filed.v1", aggregate="request_id"):
    """The card holder asked to add a newborn or remove a member; the registry proves it or an officer reviews it."""

    request_id: UUID = Field(description="The request (`ration:<request_id>` in a payment of its fee).")
    card_id: UUID = Field(description="The ration card (household).")
    kind: MemberRequestKind = Field(description="Add a newborn, or remove a member who is no longer entitled.")
    reason: MemberRequestReason = Field(description="birth (a newborn); death, emigration or marriage (a removal).")
    national_id: NationalId = Field(description="The newborn or the member the request is about.")
    holder_national_id: NationalId = Field(description="National ID of the card holder who asked.")
    governorate: GovernorateCode = Field(description="Governorate of the card (the officers' queue).")
    service_code: ServiceCode
    fee_piastres: Piastres = Field(description="The catalogue's fee for the service (0: free).")
    registry_proves: bool = Field(description="True: decided at once on the registry's records; False: to review.")
    findings: tuple[str, ...] = Field(
        default=(), description="Codes of what the registry does not show (why an officer reviews it)."
    )
    filed_at: UtcDatetime


class MemberRequestDecided(Event, subject="ration.member_request.decided.v1", aggregate="request_id"):
    """A member request was decided: at once on the civil registry's records, or by a ration officer."""

    request_id: UUID = Field(description="The request.")
    card_id: UUID = Field(description="The ration card (household).")
    kind: MemberRequestKind
    national_id: NationalId = Field(description="The newborn or the member the request is about.")
    governorate: GovernorateCode = Field(description="Governorate of the card.")
    outcome: Literal["approved", "rejected"] = Field(description="The decision.")
    decided_by: Literal["registry", "officer"] = Field(description="The registry's records, or an officer.")
    reason: str = Field(min_length=1, max_length=2000, description="Why, as shown to the citizen.")
    payment_due: bool = Field(description="Approved with a fee: the card changes once it is paid.")
    decided_at: UtcDatetime


class MemberRequestCompleted(Event, subject="ration.member_request.completed.v1", aggregate="request_id"):
    """A member request is done: the card changed as asked, or a registry event had already changed it."""

    request_id: UUID = Field(description="The request.")
    card_id: UUID = Field(description="The ration card (household).")
    kind: MemberRequestKind
    national_id: NationalId = Field(description="The newborn added or the member removed.")
    holder_national_id: NationalId = Field(description="National ID of the card holder.")
    governorate: GovernorateCode = Field(description="Governorate of the card.")
    outcome: Literal["applied", "already_done"] = Field(
        description="applied: added or removed now; already_done: a registry event did it first (nothing twice)."
    )
    payment_id: UUID | None = Field(default=None, description="The payment of the fee, when one was applied.")
    amount_piastres: Piastres = Field(default=0, description="The fee applied to this request (0: none).")
    completed_at: UtcDatetime


class MemberRequestCancelled(Event, subject="ration.member_request.cancelled.v1", aggregate="request_id"):
    """The holder withdrew a member request before the card changed."""

    request_id: UUID = Field(description="The request.")
    card_id: UUID = Field(description="The ration card (household).")
    order_ref: str = Field(min_length=1, max_length=200, description="`ration:<request_id>`, as in a payment.")
    reason: str = Field(min_length=1, max_length=500, description="Why it ended.")
    cancelled_at: UtcDatetime
