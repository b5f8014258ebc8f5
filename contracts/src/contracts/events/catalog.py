"""Service catalog events: published tariffs and per-governorate roll-out."""

from typing import Literal

from pydantic import Field

from contracts.base import Event, ValueObject
from contracts.fields import Channel, GovernorateCode, PaymentMethod, Piastres, ServiceCode, UtcDatetime

RolloutStatus = Literal["planned", "pilot", "live", "suspended"]


class ChannelFee(ValueObject):
    """The fixed, published fee of a service when obtained through one channel."""

    channel: Channel = Field(description="How the service is obtained.")
    fee_piastres: Piastres = Field(description="Fee for this channel, in piastres.")
    method: PaymentMethod | None = Field(
        default=None,
        description="The payment method this total is for (incentives for electronic payment make it vary); "
        "null: the same for every method.",
    )


class TariffChanged(Event, subject="catalog.tariff.changed.v1", aggregate="service_code"):
    """A service's published tariff changed (a new tariff version takes effect)."""

    service_code: ServiceCode
    tariff_version: int = Field(ge=1, description="Increases by one with each published tariff.")
    fees: tuple[ChannelFee, ...] = Field(
        min_length=1, description="The fee per channel; a channel not listed is not offered."
    )
    effective_from: UtcDatetime = Field(description="When the new tariff applies.")
    changed_at: UtcDatetime = Field(description="When the tariff was published.")


class RolloutChanged(Event, subject="catalog.rollout.changed.v1", aggregate="service_code"):
    """A service's roll-out status changed in one governorate."""

    service_code: ServiceCode
    governorate: GovernorateCode
    status: RolloutStatus = Field(description="Roll-out status of the service there.")
    changed_at: UtcDatetime = Field(description="When the status changed.")
    live_from: UtcDatetime | None = Field(
        default=None, description="When the service goes (or went) live there; null: no date yet."
    )
