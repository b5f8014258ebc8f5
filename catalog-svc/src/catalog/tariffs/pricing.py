"""Pure pricing rules: which rows of a tariff apply to a channel and method, and the checks a
tariff must pass before it is published."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from catalog.tariffs.schemas import COMPONENT_ORDER, ELECTRONIC_METHODS, LABELS, Fee, Line, TariffIn
from contracts.fields import Channel, PaymentMethod
from kit import i18n
from kit.errors import FieldError

RETROACTIVE_GRACE = timedelta(minutes=5)


def lines_for(components: Iterable[Mapping[str, Any]], *, channel: str, method: str) -> list[Line]:
    """The breakdown for one channel and method: matching rows of a code add up; a zero line is
    left out, except the base fee, which is always shown."""
    totals: dict[str, int] = {}
    for row in components:
        if row.get("channel") not in (None, channel) or row.get("method") not in (None, method):
            continue
        totals[row["code"]] = totals.get(row["code"], 0) + int(row["amount_piastres"])
    lines = []
    for code in COMPONENT_ORDER:
        amount = totals.get(code, 0)
        if amount or code == "base_fee":
            label_ar, label_en = LABELS[code]
            lines.append(Line(code=code, amount_piastres=amount, label_ar=label_ar, label_en=label_en))
    return lines


def fee_table(
    components: Sequence[Mapping[str, Any]], channels: Sequence[Channel], methods: Sequence[PaymentMethod]
) -> list[Fee]:
    return [
        Fee(
            channel=channel,
            method=method,
            total_piastres=sum(line.amount_piastres for line in lines_for(components, channel=channel, method=method)),
        )
        for channel in channels
        for method in methods
    ]


def problems(tariff: TariffIn, *, now: datetime) -> list[FieldError]:
    """Everything wrong with a tariff, as field errors in the caller's language."""
    errors: list[FieldError] = []

    def bad(field: str, code: str, en: str, ar: str) -> None:
        errors.append(FieldError(field=field, reason=ar if i18n.current_language() == "ar" else en, code=code))

    if tariff.effective_from is not None and tariff.effective_from < now - RETROACTIVE_GRACE:
        bad("body.effective_from", "retroactive", "A tariff cannot take effect in the past.",
            "لا يجوز أن تسري التعريفة بأثر رجعي.")  # fmt: skip
    if len(set(tariff.channels)) != len(tariff.channels):
        bad("body.channels", "duplicate", "A channel is listed twice.", "قناة مكررة.")
    if len(set(tariff.methods)) != len(tariff.methods):
        bad("body.methods", "duplicate", "A payment method is listed twice.", "طريقة دفع مكررة.")
    seen: set[tuple[str, str | None, str | None]] = set()
    for i, row in enumerate(tariff.components):
        where = f"body.components.{i}"
        key = (row.code, row.channel, row.method)
        if key in seen:
            bad(
                where,
                "duplicate",
                "The same component, channel and method appear twice.",
                "بند مكرر لنفس القناة والطريقة.",
            )
        seen.add(key)
        if row.code == "e_payment_incentive":
            if row.amount_piastres > 0:
                bad(where, "incentive_positive", "The e-payment incentive must be a discount (zero or negative).",
                    "حافز الدفع الإلكتروني يجب أن يكون خصمًا (صفرًا أو سالبًا).")  # fmt: skip
            if row.method not in ELECTRONIC_METHODS:
                bad(where, "incentive_method", "The e-payment incentive applies to card or wallet only.",
                    "حافز الدفع الإلكتروني يخص البطاقة أو المحفظة فقط.")  # fmt: skip
        elif row.amount_piastres < 0:
            bad(where, "negative", "Only the e-payment incentive may be negative.", "لا يجوز أن يكون البند سالبًا.")
        if row.channel is not None and row.channel not in tariff.channels:
            bad(where, "channel_not_offered", "This channel is not in `channels`.", "هذه القناة ليست ضمن القنوات.")
        if row.method is not None and row.method not in tariff.methods:
            bad(where, "method_not_offered", "This method is not in `methods`.", "طريقة الدفع ليست ضمن الطرق.")
    if not any(row.code == "base_fee" and row.channel is None and row.method is None for row in tariff.components):
        bad("body.components", "base_fee_missing", "A base fee for every channel and method is required.",
            "يلزم رسم أساسي يسري على كل القنوات والطرق.")  # fmt: skip
    if not errors:
        rows = [row.model_dump() for row in tariff.components]
        for fee in fee_table(rows, tariff.channels, tariff.methods):
            if fee.total_piastres < 0:
                bad("body.components", "negative_total",
                    f"The total for {fee.channel} / {fee.method} would be negative.",
                    f"الإجمالي عبر {fee.channel} / {fee.method} سيكون سالبًا.")  # fmt: skip
    return errors
