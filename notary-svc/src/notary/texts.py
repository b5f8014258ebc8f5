"""notary-svc's bilingual texts: each domain's table and the shared ones, in one table its manifest
registers; and the words of a request's status."""

from __future__ import annotations

from kit import i18n
from notary.certificates.texts import TEXTS as CERTIFICATES
from notary.documents.texts import TEXTS as DOCUMENTS
from notary.poa.texts import TEXTS as POWERS_OF_ATTORNEY

SHARED: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.too_many_open_requests.title": {"ar": "طلبات مفتوحة كثيرة", "en": "Too many open requests"},
    "problem.too_many_open_requests.detail": {
        "ar": i18n.plural(
            "limit",
            one="لديك طلب لم يكتمل بعد. أكمله أو ألغِه أولًا.",
            two="لديك طلبان لم يكتملا بعد. أكمل أحدهما أو ألغِه أولًا.",
            few="لديك {limit} طلبات لم تكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
            many="لديك {limit} طلبًا لم يكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
            other="لديك {limit} طلب لم يكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
        ),
        "en": i18n.plural(
            "limit",
            one="You have {limit} unfinished request. Finish or cancel it first.",
            other="You have {limit} unfinished requests. Finish or cancel some first.",
        ),
    },
}

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {**SHARED, **POWERS_OF_ATTORNEY, **CERTIFICATES, **DOCUMENTS}

STATUSES = {
    "draft": i18n.Words(ar="مسودة", en="a draft"),
    "awaiting_payment": i18n.Words(ar="بانتظار السداد", en="awaiting payment"),
    "paid": i18n.Words(ar="تم السداد", en="paid"),
    "appointment_booked": i18n.Words(ar="تم حجز موعد", en="booked for an appointment"),
    "no_show": i18n.Words(ar="لم يحضر في الموعد", en="missed its appointment"),
    "verified": i18n.Words(ar="تم التحقق", en="verified"),
    "issued": i18n.Words(ar="صدر", en="issued"),
    "revoked": i18n.Words(ar="ملغى", en="revoked"),
    "cancelled": i18n.Words(ar="أُلغي الطلب", en="cancelled"),
}


def status_words(status: str) -> i18n.Words:
    """A request's status as each language says it (never the code in a text)."""
    return STATUSES.get(status, i18n.Words(ar=status, en=status))
