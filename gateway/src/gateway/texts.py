"""Texts the gateway adds to kit's catalogue (kit already has the titles)."""

from __future__ import annotations

from kit import i18n

i18n.register(
    {
        "problem.gateway_timeout.detail": {
            "en": "The service did not answer in time. Please try again shortly.",
            "ar": "لم تستجب الخدمة في الوقت المحدد. يُرجى المحاولة بعد قليل.",
        },
        "problem.bad_gateway.detail": {
            "en": "The service gave an answer the gateway could not understand. Please try again later.",
            "ar": "أرسلت الخدمة ردًا لم تتمكن البوابة من فهمه. يُرجى المحاولة لاحقًا.",
        },
        "problem.payload_too_large.detail": {
            "en": "The request body is larger than this address accepts.",
            "ar": "حجم نص الطلب أكبر مما يقبله هذا العنوان.",
        },
        "problem.too_many_requests.title": {"en": "Too many requests", "ar": "طلبات كثيرة جدًا"},
        "problem.too_many_requests.detail": {
            "en": "Too many requests in a short time. Please wait for the time in Retry-After and try again.",
            "ar": "عدد كبير من الطلبات في وقت قصير. يُرجى الانتظار المدة المذكورة في Retry-After ثم المحاولة مجددًا.",
        },
        "problem.idempotency_key_reused.title": {
            "en": "Idempotency key already used",
            "ar": "مفتاح عدم التكرار مستخدم من قبل",
        },
        "problem.idempotency_key_reused.detail": {
            "en": "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
            "ar": "استُخدم مفتاح Idempotency-Key هذا لطلب مختلف. استخدم مفتاحًا جديدًا لكل طلب جديد.",
        },
        "problem.idempotency_in_progress.title": {
            "en": "The same request is still in progress",
            "ar": "الطلب نفسه ما زال قيد التنفيذ",
        },
        "problem.idempotency_in_progress.detail": {
            "en": "A request with this Idempotency-Key has not finished yet. Try again shortly to get its answer.",
            "ar": "لم ينتهِ بعد طلب يحمل مفتاح Idempotency-Key هذا. أعد المحاولة بعد قليل لتحصل على نتيجته.",
        },
        "validation.idempotency_key": {
            "en": "Must be 1 to {max} printable ASCII characters (a UUID is a good key).",
            "ar": "يجب أن يتكون من 1 إلى {max} من محارف ASCII القابلة للطباعة (ويُفضَّل معرّف UUID).",
        },
    }
)
