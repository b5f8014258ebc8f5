"""Catalog's bilingual problem texts and date wording."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kit import i18n

CAIRO = ZoneInfo("Africa/Cairo")

_MONTHS_AR = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def local_date(moment: datetime, language: i18n.Language | None = None) -> str:
    """The calendar day of `moment` in Egypt, worded for the caller ("١٥ يناير ٢٠٢٧" / "15 January 2027")."""
    day = moment.astimezone(CAIRO)
    if (language or i18n.current_language()) == "ar":
        return f"{day.day} {_MONTHS_AR[day.month - 1]} {day.year}".translate(_ARABIC_DIGITS)
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


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
            ("الخدمة «{name_ar}» ستتاح قريبًا على المنصة.", "The service “{name_en}” is coming to the platform soon."),
        ),
        **_problem(
            "service_not_live_here",
            ("الخدمة غير متاحة في محافظتك بعد", "Service not available in your governorate yet"),
            (
                "خدمة «{name_ar}» ستتاح في محافظة {governorate_ar} اعتبارًا من {date}.",
                "“{name_en}” will be available in {governorate_en} from {date}.",
            ),
        ),
        **_problem(
            "service_not_scheduled_here",
            ("الخدمة غير متاحة في محافظتك بعد", "Service not available in your governorate yet"),
            (
                "خدمة «{name_ar}» لم يُحدد بعد موعد إتاحتها في محافظة {governorate_ar}.",
                "“{name_en}” has no date yet for {governorate_en}.",
            ),
        ),
        **_problem(
            "service_suspended_here",
            ("الخدمة موقوفة مؤقتًا", "Service suspended"),
            (
                "خدمة «{name_ar}» موقوفة مؤقتًا في محافظة {governorate_ar}.",
                "“{name_en}” is suspended in {governorate_en} for now.",
            ),
        ),
        **_problem(
            "service_not_live_yet",
            ("الخدمة غير متاحة بعد", "Service not available yet"),
            ("خدمة «{name_ar}» ستتاح اعتبارًا من {date}.", "“{name_en}” will be available from {date}."),
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
