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
    }
)
