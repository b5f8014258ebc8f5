from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.fields import Channel, PaymentMethod, TypedPiastres

ComponentCode = Literal["base_fee", "stamp_duty", "service_charge", "delivery", "e_payment_incentive"]
COMPONENT_ORDER: tuple[ComponentCode, ...] = (
    "base_fee", "stamp_duty", "service_charge", "delivery", "e_payment_incentive",
)  # fmt: skip
LABELS: dict[str, tuple[str, str]] = {
    "base_fee": ("الرسم الأساسي", "Base fee"),
    "stamp_duty": ("ضريبة الدمغة", "Stamp duty"),
    "service_charge": ("مقابل الخدمة", "Service charge"),
    "delivery": ("التوصيل", "Delivery"),
    "e_payment_incentive": ("حافز الدفع الإلكتروني", "E-payment incentive"),
}
ELECTRONIC_METHODS: frozenset[str] = frozenset({"card", "wallet"})
MAX_AMOUNT = 100_000_000  # one million pounds, in piastres


class Component(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ComponentCode
    amount_piastres: TypedPiastres = Field(
        ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Integer piastres; negative only for e_payment_incentive."
    )
    channel: Channel | None = Field(default=None, description="Applies to this channel only (null: every channel).")
    method: PaymentMethod | None = Field(default=None, description="Applies to this method only (null: every method).")


class TariffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_from: AwareDatetime | None = Field(
        default=None, description="When the tariff takes effect (default: now). Never in the past."
    )
    channels: list[Channel] = Field(min_length=1, max_length=5, description="Channels the service is offered on.")
    methods: list[PaymentMethod] = Field(min_length=1, max_length=4, description="Accepted payment methods.")
    components: list[Component] = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=3, max_length=500, description="Why the tariff changes (kept in the audit trail).")


class Line(BaseModel):
    code: ComponentCode
    amount_piastres: int
    label_ar: str = Field(examples=["رسم الخدمة"])
    label_en: str = Field(examples=["Service fee"])


class Fee(BaseModel):
    channel: Channel
    method: PaymentMethod
    total_piastres: int


class TariffOut(BaseModel):
    service_code: str
    version: int
    effective_from: datetime
    channels: list[Channel]
    methods: list[PaymentMethod]
    components: list[Component]
    fees: list[Fee] = Field(description="The total for every offered channel and payment method.")
    currency: Literal["EGP"] = "EGP"
    published_at: datetime


class TariffList(BaseModel):
    items: list[TariffOut]
