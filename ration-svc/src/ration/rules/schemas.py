"""Rule sets as data: each rule is one of a fixed set of condition kinds with editable
thresholds, a reason code and Arabic/English explanation templates.

A template names the fact that triggered the rule with `{placeholders}`; each kind lists
the placeholders it can fill (e.g. `{model_year}` and `{registered_on}` for a vehicle).
"""

from __future__ import annotations

import string
from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.fields import UtcDatetime
from kit.errors import invalid

VehicleType = Literal["private_car", "taxi", "motorcycle", "truck", "bus", "other"]
SchoolType = Literal["public", "experimental", "private", "international", "azhar"]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Template = Annotated[str, Field(min_length=1, max_length=300)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    placeholders: ClassVar[frozenset[str]] = frozenset()

    code: Code = Field(description="Reason code shown with an exclusion, e.g. car_model_year.")
    explanation_ar: Template = Field(description="Arabic explanation template naming the fact.")
    explanation_en: Template = Field(description="English explanation template naming the fact.")

    @model_validator(mode="after")
    def _templates_use_known_placeholders(self) -> Self:
        for template in (self.explanation_ar, self.explanation_en):
            names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
            unknown = names - self.placeholders
            if unknown:
                raise invalid(
                    "unknown_placeholders",
                    unknown=", ".join(sorted(unknown)),
                    known=", ".join(sorted(self.placeholders)),
                )
        return self


_VEHICLE = frozenset({"make", "model", "model_year", "engine_cc", "plate", "registered_on"})


class VehicleModelYearRule(_Rule):
    """Excluded if a member owns a vehicle of these types with a model year at or after the threshold."""

    placeholders: ClassVar[frozenset[str]] = _VEHICLE
    kind: Literal["vehicle_model_year"]
    min_model_year: int = Field(ge=1950, le=2100)
    vehicle_types: tuple[VehicleType, ...] = Field(default=("private_car",), min_length=1)


class VehicleEngineRule(_Rule):
    """Excluded if a member owns a vehicle of these types with an engine at or above the threshold (cc)."""

    placeholders: ClassVar[frozenset[str]] = _VEHICLE
    kind: Literal["vehicle_engine_cc"]
    min_engine_cc: int = Field(gt=0, le=20000)
    vehicle_types: tuple[VehicleType, ...] = Field(default=("private_car",), min_length=1)


class ElectricityRule(_Rule):
    """Excluded if a member's meter averaged more than the threshold in its latest reported period."""

    placeholders: ClassVar[frozenset[str]] = frozenset({"meter_id", "monthly_kwh", "period_start", "period_end"})
    kind: Literal["electricity_monthly_kwh"]
    max_monthly_kwh: int = Field(gt=0, le=1_000_000)


class SchoolFeesRule(_Rule):
    """Excluded if a member is guardian of a student whose annual fees reach the threshold."""

    placeholders: ClassVar[frozenset[str]] = frozenset({"school_id", "school_type", "academic_year", "annual_fees_egp"})
    kind: Literal["school_fees"]
    min_annual_fees_piastres: int = Field(gt=0)
    from_academic_year: str = Field(default="0000/0001", pattern=r"^[0-9]{4}/[0-9]{4}$")
    school_types: tuple[SchoolType, ...] = Field(default=("private", "international"), min_length=1)


class SalaryRule(_Rule):
    """Excluded if a member's reported monthly salary exceeds the threshold."""

    placeholders: ClassVar[frozenset[str]] = frozenset({"monthly_salary_egp"})
    kind: Literal["monthly_salary"]
    max_monthly_salary_piastres: int = Field(gt=0)


class LandRule(_Rule):
    """Excluded if a member holds at least this much farmland."""

    placeholders: ClassVar[frozenset[str]] = frozenset({"feddans"})
    kind: Literal["land_feddans"]
    min_feddans: Decimal = Field(gt=0, le=100000, max_digits=10, decimal_places=2)


Rule = Annotated[
    VehicleModelYearRule | VehicleEngineRule | ElectricityRule | SchoolFeesRule | SalaryRule | LandRule,
    Field(discriminator="kind"),
]


class RuleSetIn(BaseModel):
    """A draft rule set. Amounts are integer piastres (EGP 50 = 5000)."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,49}$", examples=["2025.1"])
    subsidy_per_member_piastres: int = Field(ge=0, le=1_000_000, examples=[5000])
    card_cap_piastres: int = Field(ge=0, le=10_000_000, examples=[20000])
    appeal_window_days: int = Field(ge=1, le=365, examples=[30])
    rules: list[Rule] = Field(max_length=50)
    notes: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _codes_are_unique(self) -> Self:
        codes = [rule.code for rule in self.rules]
        if len(codes) != len(set(codes)):
            raise invalid("duplicate_rule_codes")
        return self


class RuleSetPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subsidy_per_member_piastres: int | None = Field(default=None, ge=0, le=1_000_000)
    card_cap_piastres: int | None = Field(default=None, ge=0, le=10_000_000)
    appeal_window_days: int | None = Field(default=None, ge=1, le=365)
    rules: list[Rule] | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=2000)


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_from: UtcDatetime = Field(description="When the rule set goes live (now or later).")


class RuleSetOut(BaseModel):
    id: UUID
    version: str
    status: Literal["draft", "scheduled", "active", "retired"]
    effective_from: datetime | None
    subsidy_per_member_piastres: int
    card_cap_piastres: int
    appeal_window_days: int
    rules: list[Rule]
    notes: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    applied_at: datetime | None


class RuleSetPage(BaseModel):
    items: list[RuleSetOut]
    next_cursor: str | None


class GovernorateImpact(BaseModel):
    governorate: str
    households: int
    excluded: int
    newly_excluded: int = Field(description="Eligible (or undecided) today, excluded under this rule set.")
    newly_eligible: int = Field(description="Excluded today, eligible under this rule set.")
    by_reason: dict[str, int]


class SimulationOut(BaseModel):
    rule_set_id: UUID
    version: str
    simulated_at: datetime
    governorates: list[GovernorateImpact]
    total_households: int
    total_excluded: int
