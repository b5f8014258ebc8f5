from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kit import i18n
from ration.eligibility.models import Decision


class ReasonOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "electricity_consumption",
                    "explanation": "استهلاك الكهرباء ٨٢٠ ك.و.س شهريًا للعداد 04-118-2291",
                    "fact": {"meter_id": "04-118-2291", "monthly_kwh": 820, "period_end": "2026-11-30"},
                }
            ]
        }
    )

    code: str
    explanation: str = Field(description="In the caller's language; names the fact that triggered the rule.")
    fact: dict[str, Any] = Field(description="The fact as the authority reported it.")


class DecisionOut(BaseModel):
    id: UUID
    eligible: bool
    reasons: list[ReasonOut]
    overridden_by_appeal: UUID | None
    override_until: datetime | None
    rules_version: str
    members_count: int
    entitlement_piastres: int
    effective_from: date
    appeal_deadline: date | None
    appealable: bool
    decided_at: datetime
    trigger: str

    @classmethod
    def of(cls, decision: Decision, *, now: datetime) -> DecisionOut:
        """The decision as the caller reads it: the explanations (written in both languages when
        the decision was made) in the caller's language; appealable until its deadline."""
        key = "explanation_en" if i18n.current_language() == "en" else "explanation_ar"
        appealable = (
            not decision.eligible and decision.appeal_deadline is not None and now.date() <= decision.appeal_deadline
        )
        return cls(
            id=decision.id,
            eligible=decision.eligible,
            reasons=[ReasonOut(code=r["code"], explanation=r[key], fact=r["fact"]) for r in decision.reasons],
            overridden_by_appeal=decision.override_appeal_id,
            override_until=decision.override_until,
            rules_version=decision.rules_version,
            members_count=decision.members_count,
            entitlement_piastres=decision.entitlement_piastres,
            effective_from=decision.effective_from,
            appeal_deadline=decision.appeal_deadline,
            appealable=appealable,
            decided_at=decision.decided_at,
            trigger=decision.trigger.split(":")[0],
        )


class DecisionPage(BaseModel):
    items: list[DecisionOut]
    next_cursor: str | None
