from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kit import i18n
from kit.evidence import CitedFact, verification_text
from ration.eligibility.citations import Citation, citations, explained
from ration.eligibility.models import Decision


class FactOut(CitedFact):
    """One fact a reason rests on: who stated it, when, and whether its signature was verified."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": "0193a5b2-7c1e-7d2a-9f41-2b8c1d5e6f70",
                    "type": "traffic.vehicle.registered.v1",
                    "source": "traffic-authority",
                    "authority": "The traffic authority",
                    "stated_at": "2026-10-02T09:30:00Z",
                    "statement": "The traffic authority registered a 2025 Toyota Corolla to this household"
                    " on 2 October 2026.",
                    "verification": "verified",
                    "verification_text": "signature verified on receipt",
                }
            ]
        }
    )

    authority: str = Field(description="Who stated the fact, in the caller's language.")

    @classmethod
    def of(cls, citation: Citation) -> FactOut:
        return cls(
            event_id=citation.event_id,
            type=citation.type,
            source=citation.source,
            authority=citation.authority,
            stated_at=citation.stated_at,
            statement=citation.statement,
            verification=citation.verification,
            verification_text=verification_text(citation.verification),
        )


class ReasonOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "electricity_consumption",
                    "explanation": "استهلاك الكهرباء ٨٢٠ ك.و.س شهريًا للعداد 04-118-2291. أبلغت شركة توزيع"
                    " الكهرباء عن استهلاك ٨٢٠ ك.و.س شهريًا على العداد 04-118-2291 عن الفترة من ١ نوفمبر ٢٠٢٦"
                    " إلى ٣٠ نوفمبر ٢٠٢٦، بتاريخ ٢ ديسمبر ٢٠٢٦.",
                    "fact": {"meter_id": "04-118-2291", "monthly_kwh": 820, "period_end": "2026-11-30"},
                    "evidence": [
                        {
                            "event_id": "0193a5b2-7c1e-7d2a-9f41-2b8c1d5e6f70",
                            "type": "electricity.consumption.reported.v1",
                            "source": "canal-electricity",
                            "authority": "شركة توزيع الكهرباء",
                            "stated_at": "2026-12-02T08:00:00Z",
                            "statement": "أبلغت شركة توزيع الكهرباء عن استهلاك ٨٢٠ ك.و.س شهريًا على العداد"
                            " 04-118-2291 عن الفترة من ١ نوفمبر ٢٠٢٦ إلى ٣٠ نوفمبر ٢٠٢٦، بتاريخ ٢ ديسمبر ٢٠٢٦.",
                            "verification": "verified",
                            "verification_text": "التوقيع تم التحقق منه عند الاستلام",
                        }
                    ],
                }
            ]
        }
    )

    code: str
    explanation: str = Field(
        description="In the caller's language; names the fact that triggered the rule, the authority that"
        " stated it and when."
    )
    fact: dict[str, Any] = Field(description="The fact as the authority reported it.")
    evidence: list[FactOut] = Field(
        default_factory=list, description="What the fact rests on (empty for decisions made before they cited it)."
    )

    @classmethod
    def of(cls, reason: dict[str, Any], *, key: str) -> ReasonOut:
        cited = citations(reason)
        return cls(
            code=reason["code"],
            explanation=explained(reason[key], cited),
            fact=reason["fact"],
            evidence=[FactOut.of(c) for c in cited],
        )


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
            reasons=[ReasonOut.of(r, key=key) for r in decision.reasons],
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
