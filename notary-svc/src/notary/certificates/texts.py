"""The texts of certificate requests: their problems and the reasons a request is refused (merged
in notary.texts, registered by the manifest)."""

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.certificate_not_found.title": {"ar": "طلب الشهادة غير موجود", "en": "Certificate request not found"},
    "problem.certificate_not_found.detail": {
        "ar": "لا يوجد طلب شهادة بهذا المعرف في حسابك.",
        "en": "You have no certificate request with this id.",
    },
    "problem.certificate_state_conflict.title": {
        "ar": "لا يمكن تنفيذ هذا الإجراء على طلب الشهادة الآن",
        "en": "The certificate request cannot do this now",
    },
    "problem.certificate_state_conflict.detail": {"ar": "حالة الطلب: {status}.", "en": "The request is {status}."},
    "problem.certificate_not_allowed.title": {
        "ar": "لا يمكن استخراج هذه الشهادة",
        "en": "This certificate cannot be issued to you",
    },
    "problem.certificate_not_allowed.detail": {"ar": "راجع قائمة الأخطاء.", "en": "See `errors`."},
    "problem.citizen_not_in_registry.title": {
        "ar": "بياناتك غير موجودة في السجل المدني",
        "en": "You are not in the civil registry",
    },
    "problem.citizen_not_in_registry.detail": {
        "ar": "تعذر العثور على رقمك القومي في السجل المدني.",
        "en": "Your national ID was not found in the civil registry.",
    },
    "field.not_family": {
        "ar": "الشخص ليس أنت ولا زوجك ولا أحد أبنائك أو والديك وفق السجل المدني.",
        "en": "The person is not you, your spouse, a child or a parent as the civil registry links them.",
    },
    "field.not_found_in_registry": {"ar": "غير موجود في السجل المدني.", "en": "Not in the civil registry."},
    "field.not_your_marriage": {
        "ar": "هذا الزواج ليس زواجك ولا زواج أحد والديك وفق السجل المدني.",
        "en": "This marriage is not yours or a parent's as the civil registry holds it.",
    },
    "field.not_divorced": {"ar": "لم يُسجَّل طلاق لهذا الزواج.", "en": "No divorce is registered for this marriage."},
    "validation.marriage_id_required": {
        "ar": "حدد الزواج (marriage_id) لشهادة زواج أو طلاق.",
        "en": "Name the marriage (marriage_id) for a marriage or divorce certificate.",
    },
}
