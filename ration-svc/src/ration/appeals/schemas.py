from __future__ import annotations

from datetime import datetime
from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.fields import UtcDatetime
from kit.errors import invalid
from ration.eligibility.schemas import DecisionOut, FactOut


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    grounds: str = Field(min_length=5, max_length=2000, examples=["تم بيع السيارة / the car was sold"])


class AppealDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Literal["accepted", "rejected"]
    reason: str = Field(min_length=3, max_length=2000, description="Explained to the citizen.")
    override_until: UtcDatetime | None = Field(
        default=None, description="Accepted: the household is eligible until then despite the reasons."
    )

    @model_validator(mode="after")
    def _override_only_when_accepted(self) -> Self:
        if self.outcome == "accepted" and self.override_until is None:
            raise invalid("override_until_required")
        if self.outcome == "rejected" and self.override_until is not None:
            raise invalid("override_not_allowed")
        return self


class AppealHousehold(BaseModel):
    """The appealing household as the officer deciding it sees it (officers only)."""

    card_number: str
    supply_office: str
    holder_national_id: str
    members_count: int = Field(description="Members on the card today.")
    eligible_now: bool | None = Field(description="The card's current decision (it may have changed since the appeal).")


class AppealOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    card_id: UUID = Field(validation_alias="household_id")
    decision_id: UUID
    governorate: str
    grounds: str
    status: Literal["open", "accepted", "rejected"]
    filed_at: datetime
    answer_due: datetime = Field(validation_alias="deadline", description="The officer must decide by then.")
    overdue: bool = False
    decided_at: datetime | None
    outcome_reason: str | None
    override_until: datetime | None
    decision: DecisionOut | None = Field(
        default=None,
        description="Officers: the appealed decision, its reasons explained (in the caller's language) with the "
        "facts that triggered them.",
    )
    household: AppealHousehold | None = Field(default=None, description="Officers: the household's card.")
    facts: list[FactOut] | None = Field(
        default=None,
        description="One appeal read by id: the facts the appealed decision rests on, with who stated each,"
        " when, and their verification status.",
    )


class AppealPage(BaseModel):
    items: list[AppealOut]
    next_cursor: str | None
