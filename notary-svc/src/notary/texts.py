"""notary-svc's bilingual problem texts, registered with `problems({...})`."""

from __future__ import annotations

from kit import i18n

problems = i18n.register_problems
"""Register code → (title ar, title en, detail ar, detail en)."""


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


def fields(entries: dict[str, tuple[i18n.Template, i18n.Template]]) -> None:
    """Register field-error reasons: code → (ar, en), under `field.<code>`."""
    i18n.register({f"field.{code}": {"ar": ar, "en": en} for code, (ar, en) in entries.items()})


i18n.register(
    {
        "validation.marriage_id_required": {
            "ar": "حدد الزواج (marriage_id) لشهادة زواج أو طلاق.",
            "en": "Name the marriage (marriage_id) for a marriage or divorce certificate.",
        }
    }
)

problems(
    {
        "registry_unavailable": (
            "السجل المدني غير متاح",
            "The civil registry is unavailable",
            "تعذر الاستعلام من السجل المدني الآن. يُرجى المحاولة بعد قليل.",
            "The civil registry could not be asked right now. Please try again shortly.",
        ),
        "too_many_open_requests": (
            "طلبات مفتوحة كثيرة",
            "Too many open requests",
            i18n.plural(
                "limit",
                one="لديك طلب لم يكتمل بعد. أكمله أو ألغِه أولًا.",
                two="لديك طلبان لم يكتملا بعد. أكمل أحدهما أو ألغِه أولًا.",
                few="لديك {limit} طلبات لم تكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
                many="لديك {limit} طلبًا لم يكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
                other="لديك {limit} طلب لم يكتمل بعد. أكمل بعضها أو ألغِه أولًا.",
            ),
            i18n.plural(
                "limit",
                one="You have {limit} unfinished request. Finish or cancel it first.",
                other="You have {limit} unfinished requests. Finish or cancel some first.",
            ),
        ),
    }
)
