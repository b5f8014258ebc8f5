"""Member requests' texts, Arabic and English: problems, registry findings, statuses, steps."""

from __future__ import annotations

from kit import i18n

i18n.register_problems(
    {
        "member_request_not_found": (
            "طلب تعديل أفراد البطاقة غير موجود",
            "Member request not found",
            "لا يوجد طلب بهذا المعرف متاح لك.",
            "There is no request with this id that you can see.",
        ),
        "member_request_state_conflict": (
            "لا يمكن تنفيذ هذا الإجراء على الطلب الآن",
            "The request cannot do this now",
            "حالة الطلب: {status_ar}.",
            "The request is {status_en}.",
        ),
        "member_request_already_open": (
            "يوجد طلب مفتوح لهذا الشخص",
            "A request about this person is open",
            "الطلب {request_id} لم يكتمل بعد؛ تابعه أو اسحبه أولًا.",
            "Request {request_id} is not finished yet; follow it or withdraw it first.",
        ),
        "too_many_open_member_requests": (
            "طلبات مفتوحة كثيرة على البطاقة",
            "Too many open requests on the card",
            "على البطاقة {limit} طلبات لم تكتمل بعد. انتظر نتيجتها أو اسحب بعضها.",
            "The card has {limit} unfinished requests. Wait for them or withdraw some.",
        ),
        "card_closed": (
            "البطاقة ليست سارية",
            "The card is not active",
            "لا تُقبل طلبات تعديل الأفراد على بطاقة حالتها {status}.",
            "No member request is taken for a card that is {status}.",
        ),
        "member_request_refused": (
            "لا يمكن تقديم هذا الطلب",
            "This request cannot be made",
            "راجع قائمة الأخطاء.",
            "See `errors`.",
        ),
    }
)

i18n.register(
    {
        "field.cannot_remove_holder": {
            "ar": "لا يُحذف صاحب البطاقة بهذه الخدمة؛ تنتقل البطاقة لغيره عند الوفاة تلقائيًا.",
            "en": "The card holder is not removed by this service; on a death the card passes on by itself.",
        },
        "field.not_on_card": {
            "ar": "هذا الشخص ليس من أفراد بطاقتك.",
            "en": "This person is not a member of your card.",
        },
    }
)

FINDINGS = {
    "not_in_registry": (
        "لا يوجد في السجل المدني قيد بهذا الرقم القومي.",
        "The civil registry has no record of this national ID.",
    ),
    "deceased": ("السجل المدني يسجل وفاة هذا الشخص.", "The civil registry records this person as deceased."),
    "parent_not_on_card": (
        "قيد الميلاد لا يذكر صاحب البطاقة أو زوجه المقيد عليها والدًا للمولود.",
        "The birth record does not name the holder or a spouse on this card as a parent.",
    ),
    "not_a_minor": (
        "السجل المدني يبين أن هذا الشخص بلغ ١٨ عامًا.",
        "The civil registry shows this person is 18 or older.",
    ),
    "on_another_card": ("هذا الشخص مقيد على بطاقة تموين أخرى.", "This person is on another ration card."),
    "emigration_not_in_registry": (
        "الهجرة لا تُسجل في السجل المدني؛ يتحقق منها موظف التموين.",
        "Emigration is not recorded in the civil registry; a ration officer checks it.",
    ),
    "no_death_record": (
        "لا يوجد في السجل المدني قيد وفاة لهذا الشخص.",
        "The civil registry has no death record for this person.",
    ),
    "no_marriage_record": (
        "لا يوجد في السجل المدني زواج قائم لهذا الشخص.",
        "The civil registry has no marriage in force for this person.",
    ),
    "spouse_on_this_card": (
        "الزوج المسجل في السجل المدني مقيد على هذه البطاقة نفسها.",
        "The spouse the registry records is on this same card.",
    ),
}

STATUSES = {
    "in_review": ("قيد مراجعة موظف التموين", "under review by a ration officer"),
    "awaiting_payment": ("بانتظار السداد", "awaiting payment"),
    "completed": ("تم التنفيذ", "done"),
    "already_done": ("منفذ من قبل", "already done"),
    "rejected": ("مرفوض", "refused"),
    "cancelled": ("مسحوب", "withdrawn"),
    "failed": ("تعذر التنفيذ", "failed"),
}

PROOFS = {
    "birth": ("قيد الميلاد في السجل المدني يذكر صاحب البطاقة أو زوجه والدًا للمولود.",
              "The civil registry's birth record names the holder or the spouse on the card as a parent."),
    "death": ("قيد الوفاة في السجل المدني.", "The civil registry's death record."),
    "marriage": ("قيد الزواج في السجل المدني، والزوج ليس على هذه البطاقة.",
                 "The civil registry's marriage record, with a spouse who is not on this card."),
}  # fmt: skip

STEPS = {
    "filed": ("قدّم صاحب البطاقة الطلب", "The holder made the request"),
    "registry_proved": ("أثبت السجل المدني الطلب فقُبل فورًا", "The civil registry proves it: approved at once"),
    "sent_to_review": ("أُحيل إلى موظف التموين للمراجعة", "Sent to a ration officer for review"),
    "approved": ("وافق موظف التموين", "A ration officer approved it"),
    "rejected": ("رفض موظف التموين", "A ration officer refused it"),
    "requoted": ("صدر عرض سعر جديد", "A new fee quote was issued"),
    "payment_failed": ("فشلت محاولة سداد", "A payment failed"),
    "completed": ("عُدلت البطاقة", "The card was changed"),
    "already_done": ("كان السجل المدني قد نفذ التعديل من قبل", "The civil registry had already made the change"),
    "cancelled": ("سحب صاحب البطاقة الطلب", "The holder withdrew the request"),
    "failed": ("انتهى الطلب دون تنفيذ", "The request ended without a change"),
    "refund_requested": ("سداد لا يمكن استخدامه؛ يُرد تلقائيًا", "A payment that cannot be used; refunded automatically"),
}


for _group, _table in (("finding", FINDINGS), ("status", STATUSES), ("step", STEPS), ("proof", PROOFS)):
    i18n.register({f"member_request.{_group}.{code}": {"ar": ar, "en": en} for code, (ar, en) in _table.items()})


def finding(code: str) -> str:
    return i18n.text(f"member_request.finding.{code}")


def status(code: str) -> str:
    return i18n.text(f"member_request.status.{code}")


def step(code: str) -> str:
    return i18n.text(f"member_request.step.{code}")


def proof(reason: str) -> str:
    return i18n.text(f"member_request.proof.{reason}")
