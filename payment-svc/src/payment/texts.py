"""Payment-svc's bilingual texts (registered by its manifest), and the words it puts inside them
(methods, statuses), named in each language, so a text never shows a code such as `card` or
`requires_payment` to an Arabic reader."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    # -- Payment intents
    "problem.idempotency_key_reused.title": {
        "en": "This Idempotency-Key was used for a different request",
        "ar": "مفتاح عدم التكرار (Idempotency-Key) استُخدم لطلب مختلف",
    },
    "problem.idempotency_key_reused.detail": {
        "en": "Use a new Idempotency-Key for a new payment, or resend exactly the same request.",
        "ar": "استخدم مفتاحًا جديدًا لعملية سداد جديدة، أو أعد إرسال الطلب نفسه دون تغيير.",
    },
    "problem.order_already_has_payment.title": {
        "en": "This order already has a payment",
        "ar": "يوجد سداد قائم لهذا الطلب",
    },
    "problem.order_already_has_payment.detail": {
        "en": "An order is paid at most once; continue with payment {payment_id}.",
        "ar": "لا يُسدَّد الطلب إلا مرة واحدة؛ تابع عملية السداد {payment_id}.",
    },
    "problem.quote_method_mismatch.title": {
        "en": "The quote was priced for another payment method",
        "ar": "عرض السعر محسوب لطريقة سداد أخرى",
    },
    "problem.quote_method_mismatch.detail": {
        "en": "Ask for a quote for {method}; fees differ by payment method.",
        "ar": "اطلب عرض سعر لطريقة السداد {method}؛ فالرسوم تختلف باختلاف طريقة السداد.",
    },
    "problem.payment_not_found.title": {"en": "Payment not found", "ar": "عملية السداد غير موجودة"},
    "problem.order_not_found.title": {"en": "Order not found", "ar": "الطلب غير موجود"},
    "problem.order_not_found.detail": {
        "en": "You have no order with this reference awaiting payment.",
        "ar": "لا يوجد لديك طلب بهذا المرجع بانتظار السداد.",
    },
    "problem.payment_not_found.detail": {
        "en": "You have no payment with this id.",
        "ar": "لا توجد عملية سداد بهذا المعرف في حسابك.",
    },
    "problem.payment_state_conflict.title": {
        "en": "The payment cannot do this now",
        "ar": "لا يمكن تنفيذ هذا الإجراء على عملية السداد الآن",
    },
    "problem.payment_state_conflict.detail": {
        "en": "The payment is {status}.",
        "ar": "حالة عملية السداد: {status}.",
    },
    "problem.method_unavailable.title": {
        "en": "This payment method is not available",
        "ar": "طريقة السداد هذه غير متاحة",
    },
    "problem.method_unavailable.detail": {
        "en": "Payment by {method} is not available right now; choose another method.",
        "ar": "السداد عن طريق {method} غير متاح الآن؛ اختر طريقة أخرى.",
    },
    "problem.wallet_mobile_required.title": {
        "en": "The wallet's mobile number is required",
        "ar": "رقم الهاتف المحمول للمحفظة مطلوب",
    },
    "problem.wallet_mobile_required.detail": {
        "en": "To pay by mobile wallet, give the mobile number that holds the wallet (wallet_mobile).",
        "ar": "للسداد بمحفظة الهاتف المحمول أدخل رقم الهاتف المسجلة عليه المحفظة (wallet_mobile).",
    },
    # -- Quotes
    "problem.invalid_quote.title": {"en": "The price quote is not valid", "ar": "عرض السعر غير صالح"},
    "problem.invalid_quote.detail": {
        "en": "Ask for a new quote of the service fee and try again.",
        "ar": "اطلب عرض سعر جديدًا لرسوم الخدمة ثم أعد المحاولة.",
    },
    "quote.expired": {"en": "The quote has expired.", "ar": "انتهت صلاحية عرض السعر."},
    "quote.bad_signature": {
        "en": "The quote's signature is not valid.",
        "ar": "توقيع عرض السعر غير صالح.",
    },
    "quote.wrong_audience": {
        "en": "The quote was not issued for payments.",
        "ar": "لم يصدر عرض السعر لأغراض السداد.",
    },
    "quote.malformed": {"en": "The quote is malformed.", "ar": "عرض السعر تالف."},
    "quote.not_for_an_order": {
        "en": "This quote only shows the fee. Pay with the quote your order gives you, from its service.",
        "ar": "عرض السعر هذا لبيان الرسوم فقط. ادفع بعرض السعر الذي يصدر لطلبك من الخدمة المختصة.",
    },
    "quote.another_order": {
        "en": "The quote was issued for another order or another service.",
        "ar": "صدر عرض السعر لطلب آخر أو لخدمة أخرى.",
    },
    "validation.quote_lines_total": {
        "en": "The quote's lines do not add up to its total.",
        "ar": "مجموع بنود عرض السعر لا يساوي إجماليه.",
    },
    "quote.nothing_to_pay": {
        "en": "This service is free: there is nothing to pay.",
        "ar": "هذه الخدمة مجانية: لا يوجد ما يُسدَّد.",
    },
    # -- Provider notifications
    "problem.notification_refused.title": {
        "en": "Notification refused",
        "ar": "تم رفض الإشعار",
    },
    "problem.notification_refused.detail": {
        "en": "The notification is not signed, too old, or its signature does not match ({reason}).",
        "ar": "الإشعار غير موقّع أو قديم أو توقيعه غير مطابق ({reason}).",
    },
    "problem.invalid_notification.title": {
        "en": "The notification is malformed",
        "ar": "صيغة الإشعار غير صحيحة",
    },
    "problem.invalid_notification.detail": {
        "en": "The notification's body does not have the fields this provider sends.",
        "ar": "نص الإشعار لا يتضمن الحقول التي يرسلها هذا المزود.",
    },
    "problem.unknown_provider.title": {"en": "Unknown payment provider", "ar": "مزود سداد غير معروف"},
    "problem.unknown_provider.detail": {
        "en": "No payment provider of the platform has this name.",
        "ar": "لا يوجد مزود سداد بهذا الاسم على المنصة.",
    },
    # -- Receipts
    "problem.receipt_not_found.title": {"en": "Receipt not found", "ar": "الإيصال غير موجود"},
    "problem.receipt_not_found.detail": {
        "en": "You have no receipt with this number.",
        "ar": "لا يوجد إيصال بهذا الرقم في حسابك.",
    },
    "receipt.title": {"en": "Government service fee receipt", "ar": "إيصال سداد رسوم خدمة حكومية"},
    # -- Reconciliation
    "problem.invalid_settlement_file.title": {
        "en": "The settlement file cannot be read",
        "ar": "تعذرت قراءة ملف التسوية",
    },
    "problem.invalid_settlement_file.detail": {
        "en": "Send UTF-8 CSV with the columns {columns} (at most {max_lines} lines).",
        "ar": i18n.plural(
            "max_lines",
            one="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى سطر واحد).",
            two="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى سطرين).",
            few="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى {max_lines} أسطر).",
            many="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى {max_lines} سطرًا).",
            other="أرسل ملف CSV بترميز UTF-8 بالأعمدة {columns} (بحد أقصى {max_lines} سطر).",
        ),
    },
    "problem.settlement_not_found.title": {"en": "Settlement file not found", "ar": "ملف التسوية غير موجود"},
    "problem.settlement_not_found.detail": {
        "en": "There is no settlement file with this id.",
        "ar": "لا يوجد ملف تسوية بهذا المعرف.",
    },
    # -- Refunds
    "problem.refund_exceeds_payment.title": {
        "en": "The refund is larger than what remains of the payment",
        "ar": "مبلغ الاسترداد أكبر من المتبقي من المبلغ المسدد",
    },
    "problem.refund_exceeds_payment.detail": {
        "en": "At most {remaining} can still be refunded.",
        "ar": "أقصى ما يمكن استرداده الآن {remaining}.",
    },
    # -- The development sandbox
    "problem.sandbox_payment_not_found.title": {"en": "No such sandbox payment", "ar": "لا توجد عملية بهذا المرجع"},
    "problem.sandbox_payment_not_found.detail": {
        "en": "This sandbox provider has no payment with this reference.",
        "ar": "لا توجد لدى مزود التجربة عملية سداد بهذا الرقم المرجعي.",
    },
}

METHODS = {
    "card": i18n.Words(ar="بطاقة مصرفية", en="Bank card"),
    "wallet": i18n.Words(ar="محفظة الهاتف المحمول", en="Mobile wallet"),
    "post_office": i18n.Words(ar="مكتب البريد", en="Post office"),
    "cash_network": i18n.Words(ar="شبكة الدفع الإلكتروني", en="E-payment network"),
}
STATUSES = {
    "requires_payment": i18n.Words(ar="بانتظار السداد", en="awaiting payment"),
    "processing": i18n.Words(ar="قيد التنفيذ", en="processing"),
    "succeeded": i18n.Words(ar="تم السداد", en="paid"),
    "failed": i18n.Words(ar="فشلت", en="failed"),
    "expired": i18n.Words(ar="انتهت صلاحيتها", en="expired"),
    "cancelled": i18n.Words(ar="أُلغيت", en="cancelled"),
    "refunded": i18n.Words(ar="مستردة", en="refunded"),
}


def method(code: str) -> i18n.Words:
    return METHODS.get(code, i18n.Words(ar=code, en=code))


def status(code: str) -> i18n.Words:
    return STATUSES.get(code, i18n.Words(ar=code, en=code))
