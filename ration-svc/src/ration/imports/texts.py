"""Bulk imports' texts, Arabic and English: problems and the reasons a row is rejected."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "problem.unknown_import_kind.title": {"en": "Unknown file kind", "ar": "نوع ملف غير معروف"},
    "problem.unknown_import_kind.detail": {
        "en": "Known kinds: {kinds}.",
        "ar": "الأنواع المعروفة: {kinds}.",
    },
    "problem.bad_header.title": {"en": "Unexpected header row", "ar": "سطر العناوين غير متوقع"},
    "problem.bad_header.detail": {
        "en": "The first line must be: {expected}",
        "ar": "يجب أن يكون السطر الأول: {expected}",
    },
    "problem.empty_file.title": {"en": "The file is empty", "ar": "الملف فارغ"},
    "problem.empty_file.detail": {
        "en": "The file has no lines; send the header line and the rows.",
        "ar": "لا يحتوي الملف على أي سطر؛ أرسل سطر العناوين ثم السطور.",
    },
    "problem.file_not_utf8.title": {"en": "The file is not UTF-8 text", "ar": "الملف ليس نصًا بترميز UTF-8"},
    "problem.file_not_utf8.detail": {
        "en": "Line {line} holds bytes that are not UTF-8 text. Save the file as CSV UTF-8 and send it again.",
        "ar": "يحتوي السطر {line} على بايتات ليست نصًا بترميز UTF-8. احفظ الملف بصيغة CSV UTF-8 وأرسله مرة أخرى.",
    },
    "problem.file_mixed_line_ends.title": {
        "en": "The file mixes kinds of line ending",
        "ar": "الملف يخلط بين أنواع نهايات الأسطر",
    },
    "problem.file_mixed_line_ends.detail": {
        "en": "Line {line} ends differently from the first line (with a carriage return or without one). "
        "Save the file with one kind of line ending and send it again.",
        "ar": "ينتهي السطر {line} بشكل مختلف عن السطر الأول (برمز رجوع الحامل أو بدونه). "
        "احفظ الملف بنوع واحد من نهايات الأسطر وأرسله مرة أخرى.",
    },
    "problem.file_unreadable.title": {"en": "The file cannot be read as text", "ar": "تعذرت قراءة الملف كنص"},
    "problem.file_unreadable.detail": {
        "en": "Line {line} cannot be read as a line of text.",
        "ar": "تعذرت قراءة السطر {line} كسطر من النص.",
    },
    "import.reject.wrong_column_count": {"en": "Wrong number of columns", "ar": "عدد الأعمدة غير صحيح"},
    "import.reject.invalid_national_id": {"en": "Not a 14-digit national ID", "ar": "ليس رقمًا قوميًا من ١٤ رقمًا"},
    "import.reject.invalid_number": {"en": "Not a number in the allowed range", "ar": "ليس رقمًا في النطاق المسموح"},
    "import.reject.invalid_date": {"en": "Not a date (YYYY-MM-DD)", "ar": "ليس تاريخًا بصيغة YYYY-MM-DD"},
    "import.reject.invalid_id": {"en": "Not a valid identifier", "ar": "معرف غير صالح"},
    "import.reject.invalid_text": {
        "en": "Empty, too long or wrong format",
        "ar": "فارغ أو طويل جدًا أو بصيغة خاطئة",
    },
    "import.reject.invisible_character": {
        "en": "Holds an invisible character (a direction control or a hidden format character) that can make "
        "the text display differently from what it says",
        "ar": "يحتوي على حرف غير مرئي (علامة تتحكم في اتجاه النص أو حرف تنسيق مخفي) قد يجعل النص يظهر بخلاف ما يقوله",
    },
    "import.reject.not_allowed_value": {"en": "Not one of the allowed values", "ar": "ليست من القيم المسموح بها"},
    "import.reject.duplicate_in_file": {
        "en": "Repeats an earlier line of the same file",
        "ar": "مكرر لسطر سابق في الملف نفسه",
    },
    "import.reject.card_without_single_holder": {
        "en": "The card must have exactly one holder",
        "ar": "يجب أن يكون للبطاقة صاحب واحد فقط",
    },
    "import.reject.holder_rejected": {
        "en": "The card's holder line was rejected, so the card cannot be imported without it",
        "ar": "رُفض سطر صاحب البطاقة، فلا يمكن استيراد البطاقة بدونه",
    },
    "import.reject.member_on_other_card": {
        "en": "This person is already on another card",
        "ar": "هذا الشخص مقيد على بطاقة أخرى",
    },
    "import.reject.card_number_no_longer_valid": {
        "en": "This card number was replaced or cancelled; use the card's current number",
        "ar": "رقم البطاقة هذا استُبدل أو أُلغي؛ استخدم رقم البطاقة الحالي",
    },
    "import.reject.card_in_other_governorate": {
        "en": "The card belongs to another governorate",
        "ar": "البطاقة تابعة لمحافظة أخرى",
    },
}
