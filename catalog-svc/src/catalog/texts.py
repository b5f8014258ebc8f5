"""Catalog's bilingual texts (registered by its manifest). A service's name and a governorate
are passed as `i18n.Words`, a date as `i18n.Day`, so each text names them in its own language."""

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.service_not_found.title": {"ar": "الخدمة غير موجودة", "en": "Service not found"},
    "problem.service_not_found.detail": {
        "ar": "لا توجد خدمة بالرمز {code}.",
        "en": "There is no service with the code {code}.",
    },
    "problem.service_coming_soon.title": {"ar": "الخدمة غير متاحة بعد", "en": "Service not available yet"},
    "problem.service_coming_soon.detail": {
        "ar": "الخدمة «{name}» ستتاح قريبًا على المنصة.",
        "en": "The service “{name}” is coming to the platform soon.",
    },
    "problem.service_not_live_here.title": {
        "ar": "الخدمة غير متاحة في محافظتك بعد",
        "en": "Service not available in your governorate yet",
    },
    "problem.service_not_live_here.detail": {
        "ar": "خدمة «{name}» ستتاح في محافظة {governorate} اعتبارًا من {date}.",
        "en": "“{name}” will be available in {governorate} from {date}.",
    },
    "problem.service_not_scheduled_here.title": {
        "ar": "الخدمة غير متاحة في محافظتك بعد",
        "en": "Service not available in your governorate yet",
    },
    "problem.service_not_scheduled_here.detail": {
        "ar": "خدمة «{name}» لم يُحدد بعد موعد إتاحتها في محافظة {governorate}.",
        "en": "“{name}” has no date yet for {governorate}.",
    },
    "problem.service_suspended_here.title": {"ar": "الخدمة موقوفة مؤقتًا", "en": "Service suspended"},
    "problem.service_suspended_here.detail": {
        "ar": "خدمة «{name}» موقوفة مؤقتًا في محافظة {governorate}.",
        "en": "“{name}” is suspended in {governorate} for now.",
    },
    "problem.service_not_live_yet.title": {"ar": "الخدمة غير متاحة بعد", "en": "Service not available yet"},
    "problem.service_not_live_yet.detail": {
        "ar": "خدمة «{name}» ستتاح اعتبارًا من {date}.",
        "en": "“{name}” will be available from {date}.",
    },
    "problem.no_tariff.title": {"ar": "لا توجد تعريفة سارية", "en": "No tariff in force"},
    "problem.no_tariff.detail": {
        "ar": "لا توجد تعريفة منشورة سارية لهذه الخدمة الآن.",
        "en": "This service has no published tariff in force now.",
    },
    "problem.quote_not_found.title": {"ar": "عرض السعر غير موجود", "en": "Quote not found"},
    "problem.quote_not_found.detail": {"ar": "لا يوجد عرض سعر بهذا المعرف.", "en": "There is no quote with this id."},
    "problem.invalid_tariff.title": {"ar": "التعريفة غير صالحة", "en": "The tariff is not valid"},
    "problem.invalid_tariff.detail": {"ar": "راجع قائمة الأخطاء.", "en": "See `errors`."},
    "catalog.unknown_governorate": {"ar": "رمز محافظة غير معروف.", "en": "Unknown governorate code."},
    "catalog.channel_not_offered": {
        "ar": "هذه الخدمة لا تُقدم عبر هذه القناة.",
        "en": "This service is not offered through this channel.",
    },
    "catalog.method_not_offered": {
        "ar": "طريقة الدفع هذه غير متاحة لهذه الخدمة.",
        "en": "This payment method is not accepted for this service.",
    },
}
