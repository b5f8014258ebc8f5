"""Words payment-svc puts inside its texts (methods, statuses), named in each language, so a
text never shows a code such as `card` or `requires_payment` to an Arabic reader."""

from __future__ import annotations

from kit import i18n

METHODS = {
    "card": i18n.Words(ar="بطاقة مصرفية", en="Bank card"),
    "wallet": i18n.Words(ar="محفظة الهاتف المحمول", en="Mobile wallet"),
    "post_office": i18n.Words(ar="مكتب البريد", en="Post office"),
    "cash_network": i18n.Words(ar="شبكة الدفع الإلكتروني", en="E-payment network"),
}
STATUSES = {
    "requires_payment": i18n.Words(ar="بانتظار السداد", en="awaiting payment"),
    "processing": i18n.Words(ar="قيد التنفيذ", en="processing"),
    "succeeded": i18n.Words(ar="تم السداد", en="paid"),
    "failed": i18n.Words(ar="فشلت", en="failed"),
    "expired": i18n.Words(ar="انتهت صلاحيتها", en="expired"),
    "cancelled": i18n.Words(ar="أُلغيت", en="cancelled"),
    "refunded": i18n.Words(ar="مستردة", en="refunded"),
}


def method(code: str) -> i18n.Words:
    return METHODS.get(code, i18n.Words(ar=code, en=code))


def status(code: str) -> i18n.Words:
    return STATUSES.get(code, i18n.Words(ar=code, en=code))
