"""Cards' and replacement cards' texts, Arabic and English: problems and the holder's next step."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, str]] = {
    "problem.ration_card_not_found.title": {"en": "No ration card", "ar": "لا توجد بطاقة تموين"},
    "problem.ration_card_not_found.detail": {
        "en": "No ration card lists you as a member.",
        "ar": "لا توجد بطاقة تموين مسجل بها اسمك.",
    },
    "problem.decision_not_found.title": {"en": "No such decision", "ar": "القرار غير موجود"},
    "problem.decision_not_found.detail": {
        "en": "This ration card has no decision with this id.",
        "ar": "لا يوجد قرار بهذا المعرف على بطاقة التموين هذه.",
    },
    "problem.not_card_holder.title": {"en": "Only the card holder can do this", "ar": "لصاحب البطاقة فقط"},
    "problem.not_card_holder.detail": {
        "en": "This service is requested by the holder of the ration card.",
        "ar": "يطلب هذه الخدمة صاحب بطاقة التموين.",
    },
    "problem.replacement_already_open.title": {
        "ar": "يوجد طلب بدل مفتوح لهذه البطاقة",
        "en": "A replacement is already open for this card",
    },
    "problem.replacement_already_open.detail": {
        "ar": "سدد رسوم الطلب {order_id} أو ألغه أولًا.",
        "en": "Pay or cancel order {order_id} first.",
    },
    "problem.replacement_not_found.title": {"ar": "طلب البدل غير موجود", "en": "Replacement order not found"},
    "problem.replacement_not_found.detail": {
        "ar": "لا يوجد طلب بدل بهذا المعرف لهذه البطاقة.",
        "en": "This card has no replacement order with this id.",
    },
    "problem.replacement_state_conflict.title": {
        "ar": "لا يمكن تنفيذ هذا الإجراء على طلب البدل الآن",
        "en": "The replacement order cannot do this now",
    },
    "problem.replacement_state_conflict.detail": {"ar": "حالة الطلب: {status}.", "en": "The order is {status}."},
    "problem.card_not_active.title": {"ar": "البطاقة غير سارية", "en": "The card is not active"},
    "problem.card_not_active.detail": {
        "ar": "لا تُصدر بطاقة بديلة لبطاقة حالتها {status}.",
        "en": "No replacement is issued for a card that is {status}.",
    },
    "replacement.next.pay": {
        "ar": "ادفع الرسوم ({amount}) قبل {deadline} بتوقيت القاهرة ببيانات السداد المرفقة بالطلب. إن انتهت "
        "صلاحية عرض السعر أو فشل السداد فاطلب عرض سعر جديدًا وادفع مرة أخرى.",
        "en": "Pay the fee of {amount} with POST /v1/payments using `payment` (owner_service, order_id, quote) "
        "before {deadline} Cairo time. If the quote expires or a payment fails, ask for a new quote "
        "(POST .../quote) and pay again.",
    },
    "replacement.next.lost_stopped": {
        "ar": " رقم البطاقة المفقودة {card} أُوقف ولا يمكن استخدامه.",
        "en": " The lost card's number {card} is stopped and cannot be used.",
    },
    "replacement.next.current_works": {
        "ar": " تظل بطاقتك الحالية صالحة حتى يصدر الرقم الجديد.",
        "en": " Your current card keeps working until the new number is issued.",
    },
    "replacement.next.issued": {
        "ar": "رقم بطاقتك الجديد {new}؛ الرقم القديم {old} لم يعد صالحًا. استلم البطاقة المطبوعة من مكتب التموين.",
        "en": "Your new card number is {new}; the old number {old} no longer works. "
        "Collect the printed card at your supply office.",
    },
    "replacement.next.issued_damaged": {
        "ar": "رقم بطاقتك الجديد {new}؛ الرقم القديم {old} لم يعد صالحًا. "
        "استلم البطاقة المطبوعة من مكتب التموين مع البطاقة التالفة.",
        "en": "Your new card number is {new}; the old number {old} no longer works. "
        "Collect the printed card at your supply office, bringing the damaged card.",
    },
    "replacement.next.ended": {"ar": "انتهى الطلب دون إصدار بطاقة.", "en": "The order ended without a new card."},
    "replacement.next.refunded": {
        "ar": " أي مبلغ سُدد له يُرد إليك تلقائيًا.",
        "en": " Any fee paid for it is refunded to you automatically.",
    },
    "replacement.next.lost_stays_stopped": {
        "ar": " تظل البطاقة المفقودة موقوفة؛",
        "en": " The lost card stays stopped;",
    },
    "replacement.next.new_order": {"ar": " يمكنك تقديم طلب بدل جديد.", "en": " You can open a new replacement order."},
}

CARD_STATUSES = {
    "active": i18n.Words(ar="سارية", en="active"),
    "closed": i18n.Words(ar="مغلقة", en="closed"),
}


def card_status(status: str) -> i18n.Words:
    """A card's status, named in the language of the text it goes into."""
    return CARD_STATUSES.get(status, i18n.Words(ar=status, en=status))
