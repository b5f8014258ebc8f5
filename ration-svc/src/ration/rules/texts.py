"""Rule sets' texts, Arabic and English."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "problem.rule_set_not_found.title": {"en": "Rule set not found", "ar": "مجموعة القواعد غير موجودة"},
    "problem.rule_set_not_found.detail": {
        "en": "There is no rule set with this id.",
        "ar": "لا توجد مجموعة قواعد بهذا المعرف.",
    },
    "validation.unknown_placeholders": {
        "en": "Unknown placeholders {unknown}; this kind of rule knows: {known}.",
        "ar": "عناصر نائبة غير معروفة {unknown}؛ هذا النوع من القواعد يعرف: {known}.",
    },
    "validation.duplicate_rule_codes": {
        "en": "Each rule needs its own code.",
        "ar": "يلزم لكل قاعدة رمز خاص بها.",
    },
    "problem.rule_set_version_taken.title": {"en": "Version already exists", "ar": "الإصدار موجود بالفعل"},
    "problem.rule_set_version_taken.detail": {
        "en": "A rule set with version {version} already exists; choose a new version.",
        "ar": "توجد مجموعة قواعد بالإصدار {version}؛ اختر إصدارًا جديدًا.",
    },
    "problem.rule_set_not_draft.title": {"en": "Rule set is not a draft", "ar": "مجموعة القواعد ليست مسودة"},
    "problem.rule_set_not_draft.detail": {
        "en": "Only a draft can be edited or scheduled; this one is {status}. Draft a new version instead.",
        "ar": "لا يمكن تعديل أو جدولة إلا المسودة؛ وهذه حالتها {status}. أنشئ إصدارًا جديدًا بدلًا منها.",
    },
}
