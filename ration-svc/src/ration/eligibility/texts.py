"""The citations of a decision's facts, Arabic and English: who stated each fact, and when."""

from __future__ import annotations

from kit import i18n

AUTHORITIES: dict[str, i18n.Words] = {
    "traffic": i18n.Words(ar="الإدارة العامة للمرور", en="The traffic authority"),
    "electricity": i18n.Words(ar="شركة توزيع الكهرباء", en="The electricity distribution company"),
    "education": i18n.Words(ar="وزارة التربية والتعليم", en="The Ministry of Education"),
    "civil": i18n.Words(ar="مصلحة الأحوال المدنية", en="The civil registry"),
}
"""The authority whose facts an event type's domain holds: only its keys may sign those types."""

BULK_FILE = i18n.Words(ar="ملف مجمّع من المحافظة", en="A bulk file from the governorate")

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "citation.traffic.vehicle.registered.v1": {
        "ar": "سجّلت {authority} سيارة {make} {model} موديل {model_year} باسم هذه الأسرة بتاريخ {date}.",
        "en": "{authority} registered a {model_year} {make} {model} to this household on {date}.",
    },
    "citation.traffic.vehicle.transferred.v1": {
        "ar": "سجّلت {authority} نقل ملكية المركبة ذات اللوحة {plate} إلى هذه الأسرة بتاريخ {date}.",
        "en": "{authority} recorded the transfer of the vehicle with plate {plate} to this household on {date}.",
    },
    "citation.electricity.consumption.reported.v1": {
        "ar": "أبلغت {authority} عن استهلاك {monthly_kwh} ك.و.س شهريًا على العداد {meter_id}"
        " عن الفترة من {period_start} إلى {period_end}، بتاريخ {date}.",
        "en": "{authority} reported a use of {monthly_kwh} kWh a month on meter {meter_id}"
        " from {period_start} to {period_end}, on {date}.",
    },
    "citation.education.fees.reported.v1": {
        "ar": "أبلغت {authority} عن مصروفات دراسية سنوية قدرها {fees} في المدرسة {school_id}"
        " للعام الدراسي {academic_year}، بتاريخ {date}.",
        "en": "{authority} reported annual school fees of {fees} at school {school_id} for {academic_year}, on {date}.",
    },
    "citation.event": {
        "ar": "أثبتت {authority} هذه الواقعة بتاريخ {date}.",
        "en": "{authority} stated this fact on {date}.",
    },
    "citation.import": {
        "ar": "ورد هذا البيان في {authority} بتاريخ {date}، ولا يغطيه توقيع.",
        "en": "{authority} loaded this fact on {date}; no signature covers it.",
    },
}
