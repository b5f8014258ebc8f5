"""A service definition as data: what the state asks, what it fills in, its rules, fee,
fulfilment and review. Shape errors are refused when a draft is written; what needs the whole
definition (names, order, CEL, the catalogue) is checked at publication (validation.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from contracts.fields import ServiceCode

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Expression = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
QuestionType = Literal["text", "integer", "money", "boolean", "date", "choice"]
Status = Literal["draft", "published", "retired"]


LABEL_EXAMPLE: dict[str, JsonValue] = {"ar": "السكن", "en": "Housing"}


class Label(BaseModel):
    """A text in both languages (Arabic first)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [LABEL_EXAMPLE]})

    ar: str = Field(min_length=1, max_length=1000, examples=["الدخل الشهري للأسرة"])
    en: str = Field(min_length=1, max_length=1000, examples=["The household's monthly income"])


class Choice(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"value": "rented", "label": {"ar": "إيجار", "en": "Rented"}}]}
    )

    value: Slug
    label: Label


class Question(BaseModel):
    """Something only the applicant can say. Shown only when its `condition` (CEL over the
    facts and the answers to earlier questions) holds."""

    model_config = ConfigDict(extra="forbid")

    id: Slug = Field(description="The answer's name in conditions and rules.")
    type: QuestionType
    label: Label
    help: Label | None = None
    required: bool = True
    min: int | None = Field(default=None, description="Smallest number (integer, money in piastres).")
    max: int | None = Field(default=None, description="Largest number (integer, money in piastres).")
    min_length: int | None = Field(default=None, ge=0, le=2000)
    max_length: int = Field(default=500, ge=1, le=2000)
    pattern: str | None = Field(default=None, max_length=200, description="A regular expression a text must match.")
    choices: list[Choice] | None = Field(default=None, max_length=100)
    choices_from: str | None = Field(
        default=None, description="A list fact whose items are the choices (vehicles, companies)."
    )
    condition: Expression | None = Field(default=None, description="CEL: ask only when this holds.")


class Rule(BaseModel):
    """An eligibility rule: a CEL expression over the facts and answers that must hold."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    expression: Expression = Field(examples=["private_cars == 0"])
    effect: Literal["require", "refer"] = Field(
        default="require",
        description="require: refused at once when it fails; refer: an officer decides when it fails.",
    )
    explanation: Label = Field(description="Why the application fails this rule, shown to the applicant.")


class Fee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tariff: ServiceCode | None = Field(
        default=None, description="The catalogue service whose tariff prices it (default: the service itself)."
    )


class DocumentField(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Label
    source: Annotated[str, StringConstraints(pattern=r"^(facts|answers)\.[a-z][a-z0-9_]{0,39}$")] = Field(
        examples=["facts.full_name_ar"]
    )


class Fulfilment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["document", "post", "office"]
    title: Label | None = Field(default=None, description="The document's or parcel's title.")
    fields: list[DocumentField] = Field(default_factory=list, max_length=50)
    validity_days: int | None = Field(default=None, ge=1, le=3650)


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["rules", "officer"] = Field(
        description="rules: decided at once where the rules decide; officer: always reviewed."
    )
    sla_hours: int = Field(default=72, ge=1, le=2160, description="Decided within this, or escalated.")
    appeal_days: int = Field(default=30, ge=0, le=90, description="A refusal can be appealed this long (0: never).")


class DefinitionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Label
    facts: list[str] = Field(default_factory=list, max_length=50, description="Facts the state fills in.")
    questions: list[Question] = Field(default_factory=list, max_length=100)
    rules: list[Rule] = Field(default_factory=list, max_length=50)
    fee: Fee = Field(default_factory=Fee)
    fulfilment: Fulfilment
    review: Review


class DefinitionIn(DefinitionBody):
    service_code: ServiceCode


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the audit trail).")


class DefinitionOut(BaseModel):
    id: uuid.UUID
    service_code: str
    version: int
    status: Status
    body: DefinitionBody
    created_by: str
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class DefinitionPage(BaseModel):
    items: list[DefinitionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class AuditEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    definition_id: uuid.UUID
    action: str = Field(examples=["published"])
    actor: str
    reason: str | None
    detail: dict[str, Any]
    at: datetime


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None
