"""The texts of powers of attorney: their problems and the reasons a draft is refused (merged in
notary.texts, registered by the manifest)."""

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.poa_invalid.title": {
        "ar": "لا يمكن إنشاء التوكيل بهذه البيانات",
        "en": "The power of attorney cannot be drafted as given",
    },
    "problem.poa_invalid.detail": {"ar": "راجع قائمة الأخطاء لكل حقل.", "en": "See `errors` for each field."},
    "problem.principal_not_eligible.title": {
        "ar": "لا يمكنك إصدار توكيل",
        "en": "You cannot grant a power of attorney",
    },
    "problem.principal_not_eligible.detail": {
        "ar": "يشترط أن يكون الموكل مسجلًا بالسجل المدني وعلى قيد الحياة وبالغًا سن الرشد ({age}).",
        "en": "The principal must be in the civil registry, alive, and of full age ({age}).",
    },
    "problem.poa_not_found.title": {"ar": "التوكيل غير موجود", "en": "Power of attorney not found"},
    "problem.poa_not_found.detail": {
        "ar": "لا يوجد توكيل بهذا المعرف في حسابك.",
        "en": "You have no power of attorney with this id.",
    },
    "problem.poa_state_conflict.title": {
        "ar": "لا يمكن تنفيذ هذا الإجراء على التوكيل الآن",
        "en": "The power of attorney cannot do this now",
    },
    "problem.poa_state_conflict.detail": {"ar": "حالة التوكيل: {status}.", "en": "The power of attorney is {status}."},
    "problem.poa_expired.title": {"ar": "انتهت مدة سريان التوكيل", "en": "The power of attorney has expired"},
    "problem.poa_expired.detail": {
        "ar": "انتهى سريان التوكيل في {valid_until}؛ لا حاجة لإلغائه.",
        "en": "It expired on {valid_until}; there is nothing to revoke.",
    },
    "field.unknown_scope": {"ar": "بند غير معروف.", "en": "Unknown scope."},
    "field.duplicate_scope": {"ar": "البند مكرر.", "en": "This scope is listed twice."},
    "field.general_needs_management": {
        "ar": "التوكيل العام يتضمن بند إدارة جميع الشؤون.",
        "en": "A general power of attorney includes general management.",
    },
    "field.special_excludes_management": {
        "ar": "التوكيل الخاص لا يتضمن بند إدارة جميع الشؤون؛ اختر توكيلًا عامًا.",
        "en": "A special power of attorney cannot grant general management; choose a general one.",
    },
    "field.agent_not_found": {
        "ar": "لا يوجد شخص بهذا الرقم القومي في السجل المدني.",
        "en": "No one in the civil registry has this national ID.",
    },
    "field.agent_deceased": {
        "ar": "الوكيل متوفى وفق السجل المدني.",
        "en": "The agent is deceased according to the civil registry.",
    },
    "field.agent_minor": {"ar": "الوكيل لم يبلغ سن الرشد ({age}).", "en": "The agent is under full age ({age})."},
    "field.agent_is_principal": {
        "ar": "لا يجوز أن يكون الوكيل هو الموكل نفسه.",
        "en": "The agent cannot be the principal.",
    },
    "field.agent_duplicate": {"ar": "الوكيل مكرر.", "en": "This agent is listed twice."},
    "field.too_many_agents": {
        "ar": i18n.plural(
            "max",
            one="الحد الأقصى وكيل واحد.",
            two="الحد الأقصى وكيلان.",
            few="الحد الأقصى {max} وكلاء.",
            many="الحد الأقصى {max} وكيلًا.",
            other="الحد الأقصى {max} وكيل.",
        ),
        "en": i18n.plural("max", one="At most {max} agent.", other="At most {max} agents."),
    },
    "field.too_many_conditions": {
        "ar": i18n.plural(
            "max",
            one="الحد الأقصى شرط واحد.",
            two="الحد الأقصى شرطان.",
            few="الحد الأقصى {max} شروط.",
            many="الحد الأقصى {max} شرطًا.",
            other="الحد الأقصى {max} شرط.",
        ),
        "en": i18n.plural("max", one="At most {max} condition.", other="At most {max} conditions."),
    },
    "field.condition_too_long": {
        "ar": i18n.plural(
            "max",
            one="الشرط أطول من حرف واحد.",
            two="الشرط أطول من حرفين.",
            few="الشرط أطول من {max} أحرف.",
            many="الشرط أطول من {max} حرفًا.",
            other="الشرط أطول من {max} حرف.",
        ),
        "en": i18n.plural(
            "max",
            one="A condition is longer than {max} character.",
            other="A condition is longer than {max} characters.",
        ),
    },
    "field.valid_until_past": {
        "ar": "تاريخ انتهاء السريان يجب أن يكون بعد اليوم.",
        "en": "The end of validity must be after today.",
    },
    "field.valid_until_too_far": {"ar": "أقصى مدة سريان {years}.", "en": "Validity is at most {years}."},
    "citation.payment": {
        "ar": "سجّلت منظومة المدفوعات سداد {amount} عن هذا التوكيل بتاريخ {date}.",
        "en": "The payments service recorded the payment of {amount} for this power of attorney on {date}.",
    },
    "citation.verification": {
        "ar": "سجّلت منظومة مكاتب الخدمة أن موظفًا تحقق من شخصية الموكل حضوريًا بالمكتب بتاريخ {date}.",
        "en": "The service offices recorded that a clerk verified the principal in person at the office on {date}.",
    },
}
