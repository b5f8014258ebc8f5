"""Catalog's bilingual problem texts. A service's name and a governorate are passed as
`i18n.Words`, a date as `i18n.Day`, so each text names them in its own language."""

from __future__ import annotations

from kit import i18n


def _problem(code: str, title: tuple[str, str], detail: tuple[str, str]) -> dict[str, dict[i18n.Language, str]]:
    return {
        f"problem.{code}.title": {"ar": title[0], "en": title[1]},
        f"problem.{code}.detail": {"ar": detail[0], "en": detail[1]},
    }


i18n.register(
    {
        **_problem(
            "service_not_found",
            ("الخدمة غير موجودة", "Service not found"),
            ("لا توجد خدمة بالرمز {code}.", "There is no service with the code {code}."),
        ),
        **_problem(
            "service_coming_soon",
            ("الخدمة غير متاحة بعد", "Service not available yet"),
            ("الخدمة «{name}» ستتاح قريبًا على المنصة.", "The service “{name}” is coming to the platform soon."),
        ),
        **_problem(
            "service_not_live_here",
            ("الخدمة غير متاحة في محافظتك بعد", "Service not available in your governorate yet"),
            (
                "خدمة «{name}» ستتاح في محافظة {governorate} اعتبارًا من {date}.",
                "“{name}” will be available in {governorate} from {date}.",
            ),
        ),
        **_problem(
            "service_not_scheduled_here",
            ("الخدمة غير متاحة في محافظتك بعد", "Service not available in your governorate yet"),
            (
                "خدمة «{name}» لم يُحدد بعد موعد إتاحتها في محافظة {governorate}.",
                "“{name}” has no date yet for {governorate}.",
            ),
        ),
        **_problem(
            "service_suspended_here",
            ("الخدمة موقوفة مؤقتًا", "Service suspended"),
            (
                "خدمة «{name}» موقوفة مؤقتًا في محافظة {governorate}.",
                "“{name}” is suspended in {governorate} for now.",
            ),
        ),
        **_problem(
            "service_not_live_yet",
            ("الخدمة غير متاحة بعد", "Service not available yet"),
            ("خدمة «{name}» ستتاح اعتبارًا من {date}.", "“{name}” will be available from {date}."),
        ),
        **_problem(
            "no_tariff",
            ("لا توجد تعريفة سارية", "No tariff in force"),
            ("لا توجد تعريفة منشورة سارية لهذه الخدمة الآن.", "This service has no published tariff in force now."),
        ),
        **_problem(
            "quote_not_found",
            ("عرض السعر غير موجود", "Quote not found"),
            ("لا يوجد عرض سعر بهذا المعرف.", "There is no quote with this id."),
        ),
        **_problem(
            "invalid_tariff",
            ("التعريفة غير صالحة", "The tariff is not valid"),
            ("راجع قائمة الأخطاء.", "See `errors`."),
        ),
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
)
