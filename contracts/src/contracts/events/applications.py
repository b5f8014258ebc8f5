"""Applications events (applications-svc): services defined as data, and citizens' applications
to them, each step a fact."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event, ValueObject
from contracts.fields import GovernorateCode, Piastres, ServiceCode, UtcDatetime

Fulfilment = Literal["document", "post", "office"]
ReviewMode = Literal["rules", "officer"]
Outcome = Literal["approved", "refused"]


class DefinitionPublished(Event, subject="applications.definition.published.v1", aggregate="service_code"):
    """A version of a service's definition was published: new applications start on it."""

    definition_id: UUID = Field(description="The published definition version.")
    service_code: ServiceCode
    definition_version: int = Field(ge=1, description="Increases by one with each version of the service's definition.")
    fulfilment: Fulfilment = Field(description="How an approved application is served.")
    review: ReviewMode = Field(description="Decided by the rules alone, or by an officer after them.")
    published_at: UtcDatetime = Field(description="When it was published.")


class DefinitionRetired(Event, subject="applications.definition.retired.v1", aggregate="service_code"):
    """A published version was retired: no application starts on it (those started keep it)."""

    definition_id: UUID = Field(description="The retired definition version.")
    service_code: ServiceCode
    definition_version: int = Field(ge=1)
    published_version: int | None = Field(
        description="The version still published for the service after this one retired (null: none: not offered)."
    )
    retired_at: UtcDatetime = Field(description="When it was retired.")


class ApplicationStarted(Event, subject="applications.application.started.v1", aggregate="application_id"):
    """A citizen started an application; the facts the state holds were filled in."""

    application_id: UUID
    citizen_id: UUID = Field(description="The applicant's account.")
    service_code: ServiceCode
    definition_version: int = Field(ge=1, description="The definition version the application keeps.")
    governorate: GovernorateCode = Field(description="Where the application is handled.")
    started_at: UtcDatetime


class ApplicationAnswered(Event, subject="applications.application.answered.v1", aggregate="application_id"):
    """The applicant answered questions (their ids; the answers stay in applications-svc)."""

    application_id: UUID
    citizen_id: UUID
    questions: tuple[str, ...] = Field(max_length=200, description="Ids of the questions answered in this step.")
    answered_at: UtcDatetime


class ApplicationSubmitted(Event, subject="applications.application.submitted.v1", aggregate="application_id"):
    """The applicant checked the answers and submitted; the eligibility rules were evaluated."""

    application_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    definition_version: int = Field(ge=1)
    rules: Literal["passed", "failed", "referred"] = Field(
        description="passed: every rule holds; failed: a required rule fails (refused at once); "
        "referred: an officer decides."
    )
    fee_piastres: Piastres | None = Field(description="The catalogue's quoted fee (null: refused before a quote).")
    submitted_at: UtcDatetime


class ApplicationPaid(Event, subject="applications.application.paid.v1", aggregate="application_id"):
    """payment-svc's payment for the application was applied to it."""

    application_id: UUID
    citizen_id: UUID
    payment_id: UUID
    amount_piastres: Piastres
    paid_at: UtcDatetime


class ApplicationQueued(Event, subject="applications.application.queued.v1", aggregate="application_id"):
    """The application waits for an officer of its governorate (a first review or an appeal)."""

    application_id: UUID
    service_code: ServiceCode
    governorate: GovernorateCode
    appeal: bool = Field(description="True when an appeal of a refusal is to be reviewed.")
    due_at: UtcDatetime = Field(description="The service-level time: decided by then, or escalated.")
    queued_at: UtcDatetime


class ApplicationEscalated(Event, subject="applications.application.escalated.v1", aggregate="application_id"):
    """An application passed its service-level time undecided: escalated to the governorate's supervisors."""

    application_id: UUID
    service_code: ServiceCode
    governorate: GovernorateCode
    due_at: UtcDatetime
    escalated_at: UtcDatetime


class Reason(ValueObject):
    """One reason of a decision, in both languages (a rule's explanation or an officer's reason)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="The rule's id, or `officer`.")
    text_ar: str = Field(min_length=1, max_length=2000)
    text_en: str = Field(min_length=1, max_length=2000)


class ApplicationDecided(Event, subject="applications.application.decided.v1", aggregate="application_id"):
    """The application was approved or refused, by the rules or by an officer, with its reasons."""

    application_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    outcome: Outcome
    decided_by: Literal["rules", "officer"]
    appeal: bool = Field(description="True when this decides an appeal (final).")
    reasons: tuple[Reason, ...] = Field(default=(), max_length=50)
    appeal_deadline: UtcDatetime | None = Field(description="Last moment to appeal a refusal (null: not appealable).")
    decided_at: UtcDatetime


class ApplicationAppealed(Event, subject="applications.application.appealed.v1", aggregate="application_id"):
    """The applicant appealed a refusal within the window."""

    application_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    appealed_at: UtcDatetime


class ApplicationFulfilled(Event, subject="applications.application.fulfilled.v1", aggregate="application_id"):
    """An approved application was served: a signed document issued, a parcel posted, or a visit booked."""

    application_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    fulfilment: Fulfilment
    document_number: str | None = Field(default=None, max_length=40, description="The signed document's number.")
    tracking_number: str | None = Field(default=None, max_length=40, description="The post's tracking number.")
    fulfilled_at: UtcDatetime


class ApplicationCancelled(Event, subject="applications.application.cancelled.v1", aggregate="application_id"):
    """The applicant withdrew an application before it was paid or decided."""

    application_id: UUID
    citizen_id: UUID
    service_code: ServiceCode
    cancelled_at: UtcDatetime
