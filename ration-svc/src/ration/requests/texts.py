"""Member requests' texts, Arabic and English: problems, registry findings, statuses, steps, proofs,
what the holder does next, and the "already done" answer."""

from __future__ import annotations

from datetime import datetime

from kit import i18n

PROBLEMS: dict[str, dict[i18n.Language, str]] = {
    "problem.member_request_not_found.title": {
        "ar": "طلب تعديل أفراد البطاقة غير موجود",
        "en": "Member request not found",
    },
    "problem.member_request_not_found.detail": {
        "ar": "لا يوجد طلب بهذا المعرف متاح لك.",
        "en": "There is no request with this id that you can see.",
    },
    "problem.member_request_state_conflict.title": {
        "ar": "لا يمكن تنفيذ هذا الإجراء على الطلب الآن",
        "en": "The request cannot do this now",
    },
    "problem.member_request_state_conflict.detail": {"ar": "حالة الطلب: {status}.", "en": "The request is {status}."},
    "problem.member_request_already_open.title": {
        "ar": "يوجد طلب مفتوح لهذا الشخص",
        "en": "A request about this person is open",
    },
    "problem.member_request_already_open.detail": {
        "ar": "الطلب {request_id} لم يكتمل بعد؛ تابعه أو اسحبه أولًا.",
        "en": "Request {request_id} is not finished yet; follow it or withdraw it first.",
    },
    "problem.too_many_open_member_requests.title": {
        "ar": "طلبات مفتوحة كثيرة على البطاقة",
        "en": "Too many open requests on the card",
    },
    "problem.too_many_open_member_requests.detail": {
        "ar": "على البطاقة {limit} طلبات لم تكتمل بعد. انتظر نتيجتها أو اسحب بعضها.",
        "en": "The card has {limit} unfinished requests. Wait for them or withdraw some.",
    },
    "problem.card_closed.title": {"ar": "البطاقة ليست سارية", "en": "The card is not active"},
    "problem.card_closed.detail": {
        "ar": "لا تُقبل طلبات تعديل الأفراد على بطاقة حالتها {status}.",
        "en": "No member request is taken for a card that is {status}.",
    },
    "problem.member_request_refused.title": {"ar": "لا يمكن تقديم هذا الطلب", "en": "This request cannot be made"},
    "problem.member_request_refused.detail": {"ar": "راجع قائمة الأخطاء.", "en": "See `errors`."},
    "field.cannot_remove_holder": {
        "ar": "لا يُحذف صاحب البطاقة بهذه الخدمة؛ تنتقل البطاقة لغيره عند الوفاة تلقائيًا.",
        "en": "The card holder is not removed by this service; on a death the card passes on by itself.",
    },
    "field.not_on_card": {
        "ar": "هذا الشخص ليس من أفراد بطاقتك.",
        "en": "This person is not a member of your card.",
    },
}

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


NEXT: dict[str, dict[i18n.Language, str]] = {
    "member_request.next.in_review": {
        "ar": "يراجع موظف التموين بالمحافظة طلبك، وستظهر النتيجة هنا مع أسبابها.",
        "en": "A ration officer of your governorate reviews the request; the decision and its reasons appear here.",
    },
    "member_request.next.pay": {
        "ar": "ادفع الرسوم {amount} عبر POST /v1/payments ببيانات `payment` قبل {deadline} بتوقيت القاهرة؛ "
        "تتغير البطاقة فور السداد.",
        "en": "Pay the fee of {amount} with POST /v1/payments using `payment` before {deadline} Cairo time; "
        "the card changes as soon as it is paid.",
    },
    "member_request.next.quote_expired": {
        "ar": "انتهت صلاحية عرض السعر: اطلب عرضًا جديدًا (`POST /v1/ration-card-requests/{request_id}/quote`) ثم "
        "ادفع الرسوم.",
        "en": "The fee quote has expired: ask for a new one (`POST /v1/ration-card-requests/{request_id}/quote`), "
        "then pay.",
    },
    "member_request.next.added": {
        "ar": "أُضيف {national_id} إلى البطاقة، وأعيد حساب الاستحقاق.",
        "en": "{national_id} is on the card now; the entitlement is recalculated.",
    },
    "member_request.next.removed": {
        "ar": "حُذف {national_id} من البطاقة، وأعيد حساب الاستحقاق.",
        "en": "{national_id} is off the card now; the entitlement is recalculated.",
    },
    "member_request.next.already_done": {
        "ar": "كان السجل المدني قد نفذ هذا التعديل على البطاقة؛ لا شيء عليك.{refund}",
        "en": "The civil registry had already made this change to the card; nothing to do.{refund}",
    },
    "member_request.next.ended": {
        "ar": "انتهى الطلب دون تعديل البطاقة.{refund} يمكنك تقديم طلب جديد مع بيان الأسباب.",
        "en": "The request ended without changing the card.{refund} You can file a new one, giving more details.",
    },
    "member_request.next.refunded": {
        "ar": " أي مبلغ سُدد له يُرد إليك تلقائيًا.",
        "en": " Any fee paid for it is refunded to you automatically.",
    },
    "member_request.already_done.on_card": {
        "ar": "{national_id} مقيد على البطاقة بالفعل منذ {since}.",
        "en": "{national_id} has been on the card since {since}.",
    },
    "member_request.already_done.off_card": {
        "ar": "{national_id} حُذف من البطاقة بالفعل في {since}.",
        "en": "{national_id} already left the card on {since}.",
    },
}

TEXTS: dict[str, dict[i18n.Language, str]] = {
    **PROBLEMS,
    **{
        f"member_request.{group}.{code}": {"ar": ar, "en": en}
        for group, table in (("finding", FINDINGS), ("status", STATUSES), ("step", STEPS), ("proof", PROOFS))
        for code, (ar, en) in table.items()
    },
    **NEXT,
}


def finding(code: str) -> str:
    return i18n.text(f"member_request.finding.{code}")


def status(code: str) -> str:
    return i18n.text(f"member_request.status.{code}")


def status_words(code: str) -> i18n.Words:
    """A request's status, named in the language of the text it goes into."""
    ar, en = STATUSES.get(code, (code, code))
    return i18n.Words(ar=ar, en=en)


def step(code: str) -> str:
    return i18n.text(f"member_request.step.{code}")


def proof(reason: str) -> str:
    return i18n.text(f"member_request.proof.{reason}")


def already_done(*, added: bool, national_id: str, since: datetime) -> str:
    """The "already done" answer's detail, in the caller's language."""
    key = "member_request.already_done.on_card" if added else "member_request.already_done.off_card"
    return i18n.text(key, national_id=national_id, since=i18n.Day(since))
