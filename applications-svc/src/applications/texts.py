"""applications-svc's texts, in Arabic and English (registered by its manifest)."""

from kit import i18n


def _problems(entries: dict[str, tuple[str, str, str, str]]) -> dict[str, dict[i18n.Language, str]]:
    out: dict[str, dict[i18n.Language, str]] = {}
    for code, (title_ar, title_en, detail_ar, detail_en) in entries.items():
        out[f"problem.{code}.title"] = {"ar": title_ar, "en": title_en}
        out[f"problem.{code}.detail"] = {"ar": detail_ar, "en": detail_en}
    return out


def _texts(prefix: str, entries: dict[str, tuple[str, str]]) -> dict[str, dict[i18n.Language, str]]:
    return {f"{prefix}.{key}": {"ar": ar, "en": en} for key, (ar, en) in entries.items()}


TEXTS: dict[str, dict[i18n.Language, str]] = {
    **_problems(
        {
            "too_many_open_applications": (
                "طلبات مفتوحة كثيرة",
                "Too many open applications",
                "لديك {limit} من الطلبات غير المكتملة؛ أكمل أحدها أو ألغه أولًا.",
                "You have {limit} unfinished applications; finish or cancel one first.",
            ),
            "application_not_found": (
                "الطلب غير موجود",
                "Application not found",
                "لا يوجد طلب بهذا المعرّف يخصك.",
                "There is no application with this id for you.",
            ),
            "application_state_conflict": (
                "لا يمكن ذلك الآن",
                "Not possible now",
                "حالة الطلب الآن: {status}؛ لا تسمح بهذه الخطوة.",
                "The application is now {status}; this step is not possible.",
            ),
            "answers_invalid": (
                "إجابات غير صحيحة",
                "Some answers are not valid",
                "راجع الإجابات المذكورة؛ لم يُحفظ شيء.",
                "Check the answers named; nothing was saved.",
            ),
            "answers_missing": (
                "إجابات ناقصة",
                "Answers missing",
                "أجب عن الأسئلة المذكورة قبل تقديم الطلب.",
                "Answer the questions named before submitting.",
            ),
            "not_appealable": (
                "لا يمكن التظلم",
                "No appeal possible",
                "لا يقبل هذا الطلب التظلم: لم يُرفض، أو سبق التظلم منه.",
                "This application cannot be appealed: it was not refused, or was appealed already.",
            ),
            "appeal_window_closed": (
                "انتهت مهلة التظلم",
                "The appeal window has closed",
                "كان آخر موعد للتظلم {deadline}.",
                "The last day to appeal was {deadline}.",
            ),
            "definition_not_found": (
                "تعريف الخدمة غير موجود",
                "Service definition not found",
                "لا يوجد تعريف خدمة بهذا المعرّف.",
                "There is no service definition with this id.",
            ),
            "definition_state_conflict": (
                "لا يمكن ذلك الآن",
                "Not possible now",
                "حالة هذا الإصدار من التعريف: {status}؛ لا تسمح بهذه الخطوة.",
                "This version of the definition is {status}; this step is not possible.",
            ),
            "definition_invalid": (
                "تعريف الخدمة غير صالح للنشر",
                "The definition cannot be published",
                "وُجدت {count} من المشكلات في التعريف؛ كل منها مذكور في موضعه.",
                "The definition has {count} problems; each is named where it is.",
            ),
            "service_not_offered": (
                "الخدمة غير متاحة",
                "Service not offered",
                "لا يوجد تعريف منشور لهذه الخدمة بعد.",
                "There is no published definition of this service yet.",
            ),
            "not_in_registry": (
                "غير موجود في السجل المدني",
                "Not in the civil registry",
                "لم نجد قيدك في السجل المدني؛ راجع مكتب السجل المدني.",
                "Your record was not found in the civil registry; please visit a civil registry office.",
            ),
            "document_not_found": (
                "المستند غير موجود",
                "Document not found",
                "لا يوجد مستند بهذا الرقم ورمز التحقق.",
                "There is no document with this number and code.",
            ),
        }
    ),
    **_texts(
        "applications.status",
        {
            "draft": ("مسودة", "a draft"),
            "published": ("منشور", "published"),
            "retired": ("موقوف", "retired"),
            "awaiting_payment": ("في انتظار الدفع", "awaiting payment"),
            "in_review": ("قيد المراجعة", "in review"),
            "refused": ("مرفوض", "refused"),
            "awaiting_visit": ("في انتظار الزيارة", "awaiting a visit"),
            "fulfilled": ("منجز", "fulfilled"),
            "cancelled": ("ملغى", "cancelled"),
        },
    ),
    **_texts(
        "applications.answer",
        {
            "unknown_question": ("لا يوجد سؤال بهذا الاسم.", "There is no such question."),
            "not_asked": (
                "هذا السؤال لا يُطرح بحسب إجاباتك السابقة.",
                "This question is not asked, given your earlier answers.",
            ),
            "wrong_type": ("نوع الإجابة لا يناسب السؤال.", "The answer is not of the question's type."),
            "too_short": ("الإجابة قصيرة جدًا.", "The answer is too short."),
            "too_long": ("الإجابة طويلة جدًا.", "The answer is too long."),
            "pattern_mismatch": ("الإجابة ليست بالصيغة المطلوبة.", "The answer is not in the required form."),
            "below_min": ("القيمة أصغر من المسموح.", "The value is below the smallest allowed."),
            "above_max": ("القيمة أكبر من المسموح.", "The value is above the largest allowed."),
            "not_a_date": ("أدخل تاريخًا صحيحًا.", "Enter a valid date."),
            "not_a_choice": ("اختر أحد الخيارات المعروضة.", "Choose one of the options shown."),
            "required": ("هذا السؤال مطلوب.", "This question must be answered."),
        },
    ),
    **_texts(
        "applications.definition",
        {
            "name_taken": (
                "الاسم {name} مستخدم من قبل في التعريف.",
                "The name {name} is already used in the definition.",
            ),
            "unknown_fact": ("لا توجد معلومة مسجلة باسم {name}.", "There is no fact named {name}."),
            "unknown_name": (
                "الاسم {name} غير معرّف: ليس معلومة مذكورة ولا سؤالًا.",
                "{name} is neither a declared fact nor a question.",
            ),
            "referenced_before_defined": (
                "السؤال {name} مستخدم قبل أن يُطرح.",
                "The question {name} is used before it is asked.",
            ),
            "choices_missing": ("سؤال الاختيار يحتاج إلى خيارات.", "A choice question needs choices."),
            "choices_not_allowed": ("الخيارات لأسئلة الاختيار فقط.", "Only choice questions have choices."),
            "bad_range": ("الحد الأدنى أكبر من الحد الأقصى.", "The minimum is above the maximum."),
            "bad_pattern": ("الصيغة ليست تعبيرًا نمطيًا صحيحًا.", "The pattern is not a valid regular expression."),
            "does_not_compile": ("التعبير لا يُترجم: {message}", "The expression does not compile: {message}"),
            "does_not_evaluate": (
                "التعبير لا يعطي قيمة منطقية على قيم من الأنواع المعلنة: {message}",
                "The expression does not give a boolean on values of the declared types: {message}",
            ),
            "title_missing": ("المستند أو الطرد يحتاج إلى عنوان.", "A document or a parcel needs a title."),
            "fee_no_tariff": ("لا تعرف قائمة الخدمات رسمًا للخدمة {code}.", "The catalogue knows no fee for {code}."),
            "fee_unknown_service": (
                "قائمة الخدمات لا تعرف الخدمة {code}.",
                "The catalogue does not know the service {code}.",
            ),
        },
    ),
}
