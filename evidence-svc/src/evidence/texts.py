"""evidence-svc's problem texts, in Arabic and English (registered by its manifest)."""

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "problem.bundle_not_found.title": {"ar": "الطلب غير موجود", "en": "Request not found"},
    "problem.bundle_not_found.detail": {
        "ar": "لا يوجد طلب بهذا المعرّف يخصك.",
        "en": "There is no request with this id for you.",
    },
    "problem.too_many_open_bundles.title": {"ar": "طلبات مفتوحة كثيرة", "en": "Too many open requests"},
    "problem.too_many_open_bundles.detail": {
        "ar": "لديك {limit} من الطلبات المفتوحة؛ انتظر حتى يُنجز أحدها.",
        "en": "You have {limit} open requests; wait until one is done.",
    },
}
