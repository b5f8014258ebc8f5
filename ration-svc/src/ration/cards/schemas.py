from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ration.eligibility.schemas import DecisionOut


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    national_id: str
    relation: str
    source: str = Field(description="How the member was added: import, registration, birth, marriage.")
    added_at: datetime


class CardOut(BaseModel):
    id: UUID
    card_number: str
    governorate: str
    supply_office: str
    status: str
    holder_national_id: str
    members: list[MemberOut]
    decision: DecisionOut | None = Field(description="The current decision, with its reasons.")
    history: list[DecisionOut] = Field(description="The latest decisions, newest first (see /decisions for all).")


class ReplacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["damaged", "lost"] = Field(description="بدل تالف (damaged) or بدل فاقد (lost).")


class ReplacementOut(BaseModel):
    card_id: UUID
    new_card_number: str
    invalidated_card_number: str
    reason: str
    fee_status: Literal["not_charged"] = Field(
        description="The fee is not yet charged through catalog/payment (pending those services' APIs)."
    )
