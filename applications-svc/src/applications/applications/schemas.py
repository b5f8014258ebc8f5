"""What the applicant sends and sees."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from applications.definitions.schemas import Label, Question
from contracts.fields import Channel, PaymentMethod, ServiceCode

AnswerValue = str | int | bool | None


class StartApplication(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_code: ServiceCode = Field(examples=["takaful.support.apply"])


class Answers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, AnswerValue] = Field(
        max_length=100,
        description="Answers by question id; null removes an answer. Others given before are kept.",
        examples=[{"monthly_income": 250000, "housing": "rented"}],
    )


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = "web"
    method: PaymentMethod = Field(default="wallet", description="How the fee will be paid (if there is one).")


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grounds: str = Field(min_length=10, max_length=2000, description="Why the refusal is wrong (تظلم).")


class Reason(BaseModel):
    code: str
    text_ar: str
    text_en: str


class ShownQuestion(BaseModel):
    """A question as the applicant sees it now (shown: its condition holds)."""

    question: Question
    choices: list[dict[str, Any]] | None = Field(description="For a choice from facts: the items offered.")
    answer: AnswerValue = None


class PaymentInstructions(BaseModel):
    """What to send to `POST /v1/payments` (with an `Idempotency-Key`)."""

    owner_service: Literal["applications"] = "applications"
    order_id: str
    quote: str
    method: str


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: str = Field(examples=["submitted"])
    actor: str = Field(examples=["citizen"])
    detail: dict[str, Any]
    at: datetime


class ApplicationOut(BaseModel):
    id: uuid.UUID
    service_code: str
    name: Label
    definition_version: int = Field(description="The definition version this application keeps.")
    status: str = Field(examples=["in_review"])
    governorate: str
    facts: dict[str, Any] = Field(description="What the state filled in (not asked of the applicant).")
    questions: list[ShownQuestion]
    rules: str | None = Field(description="passed / failed / referred once submitted.")
    outcome: str | None = Field(description="approved / refused once decided.")
    reasons: list[Reason]
    amount_piastres: int | None
    payment: PaymentInstructions | None
    payment_id: uuid.UUID | None
    fulfilment: str
    document_number: str | None
    tracking_number: str | None
    appeal: bool
    appeal_deadline: datetime | None
    due_at: datetime | None
    escalated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None


class CheckItem(BaseModel):
    id: str
    label: Label
    answer: AnswerValue
    missing: bool


class CheckOut(BaseModel):
    """Check your answers: every question shown, with the answer or what is missing."""

    application_id: uuid.UUID
    items: list[CheckItem]
    missing: list[str]
    facts: dict[str, Any]
    ready: bool


class ApplicationSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    service_code: str
    definition_version: int
    status: str
    outcome: str | None
    created_at: datetime
    updated_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class HistoryOut(BaseModel):
    items: list[StepOut]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["approved", "refused"]
    reason_ar: str = Field(min_length=3, max_length=2000, description="Shown to the applicant, in Arabic.")
    reason_en: str = Field(min_length=3, max_length=2000, description="The same reason in English.")


class QueuePage(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None
