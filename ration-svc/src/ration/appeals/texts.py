"""Appeals' texts, Arabic and English."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "problem.appeal_not_found.title": {"en": "Appeal not found", "ar": "التظلم غير موجود"},
    "problem.appeal_not_found.detail": {
        "en": "There is no appeal with this id for you.",
        "ar": "لا يوجد تظلم بهذا المعرف يخصك.",
    },
    "problem.not_excluded.title": {"en": "Nothing to appeal", "ar": "لا يوجد ما يُتظلم منه"},
    "problem.not_excluded.detail": {
        "en": "Your household is eligible; an appeal is for an exclusion.",
        "ar": "أسرتك مستحقة للدعم؛ التظلم يكون من قرار الاستبعاد.",
    },
    "problem.appeal_window_closed.title": {"en": "The appeal window has closed", "ar": "انتهت مهلة التظلم"},
    "problem.appeal_window_closed.detail": {
        "en": "Appeals against this decision were accepted until {deadline}.",
        "ar": "كان التظلم من هذا القرار متاحًا حتى {deadline}.",
    },
    "problem.appeal_already_open.title": {"en": "An appeal is already open", "ar": "يوجد تظلم قيد النظر"},
    "problem.appeal_already_open.detail": {
        "en": "This decision already has an open appeal; you will be told its outcome.",
        "ar": "يوجد تظلم قيد النظر على هذا القرار، وستُبلَّغ بنتيجته.",
    },
    "problem.appeal_already_decided.title": {"en": "Appeal already decided", "ar": "تم البت في التظلم"},
    "problem.appeal_already_decided.detail": {
        "en": "This appeal was decided already; its outcome stands.",
        "ar": "سبق البت في هذا التظلم، وقراره نافذ.",
    },
    "validation.override_until_required": {
        "en": "An accepted appeal needs override_until: until when the household stays eligible.",
        "ar": "قبول التظلم يتطلب override_until: التاريخ الذي تظل الأسرة مستحقة حتى حلوله.",
    },
    "validation.override_not_allowed": {
        "en": "A rejected appeal has no override_until.",
        "ar": "التظلم المرفوض ليس له override_until.",
    },
    "problem.override_out_of_range.title": {"en": "Invalid override expiry", "ar": "تاريخ انتهاء غير صالح"},
    "problem.override_out_of_range.detail": {
        "en": "The override must end in the future and within a year.",
        "ar": "يجب أن ينتهي الاستثناء في المستقبل وخلال عام.",
    },
}
