"""Electricity distribution events: metered household consumption."""

from datetime import date
from typing import Self

from pydantic import Field, model_validator

from contracts.base import Event
from contracts.fields import GovernorateCode, NationalId, UtcDatetime


class ConsumptionReported(Event, subject="electricity.consumption.reported.v1", aggregate="meter_id"):
    """A distribution company reported a meter's consumption for a billing period."""

    meter_id: str = Field(min_length=1, max_length=50, description="Meter number.")
    subscriber_national_id: NationalId = Field(description="The meter's subscriber.")
    governorate: GovernorateCode = Field(description="Governorate of the metered premises.")
    period_start: date = Field(description="First day of the billing period.")
    period_end: date = Field(description="Last day of the billing period (inclusive).")
    consumption_kwh: int = Field(ge=0, description="Energy consumed in the period, in kWh.")
    reported_at: UtcDatetime = Field(description="When the reading was reported.")

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        return self
