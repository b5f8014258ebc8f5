"""evidence-svc's problem texts, in Arabic and English (registered by its manifest)."""

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "problem.evidence_query_empty.title": {"ar": "لم يُحدَّد ما يُصدَّر", "en": "Nothing chosen to export"},
    "problem.evidence_query_empty.detail": {
        "ar": "حدد معرّفات الأحداث أو القضية أو الأسرة أو الرقم القومي أو فترة زمنية.",
        "en": "Give event ids, a case (subject), a household, a national ID or a date range.",
    },
    "problem.evidence_range_inverted.title": {"ar": "فترة غير صحيحة", "en": "Invalid date range"},
    "problem.evidence_range_inverted.detail": {
        "ar": "يجب أن تأتي نهاية الفترة بعد بدايتها.",
        "en": "The end of the range must come after its start.",
    },
}
