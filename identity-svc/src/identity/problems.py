"""Refusals whose state change must survive the refusal, and the bilingual texts of every code.

The request's transaction rolls back when a route raises. A wrong OTP must still count as
an attempt and a reused refresh token must still revoke its family: `Refusal` is a
`ProblemError(commit=True)`, which kit's request session commits before answering.
"""

from __future__ import annotations

from typing import Any

from kit import i18n
from kit.errors import ProblemError


class Refusal(ProblemError):
    """A refusal after which the transaction still commits."""

    def __init__(self, code: str, **kwargs: Any) -> None:
        super().__init__(code, commit=True, **kwargs)


texts = i18n.register_problems
"""Register code → (title ar, title en, detail ar, detail en)."""


texts(
    {
        "too_many_requests": (
            "طلبات كثيرة جدًا",
            "Too many requests",
            "تجاوزت عدد المحاولات المسموح به. حاول مرة أخرى بعد {retry_after:duration-second}.",
            "You have made too many attempts. Try again in {retry_after:duration-second}.",
        ),
        "sms_unavailable": (
            "تعذر إرسال الرسالة",
            "The SMS could not be sent",
            "تعذر إرسال رسالة نصية الآن. يُرجى المحاولة بعد قليل.",
            "No SMS could be sent right now. Please try again shortly.",
        ),
    }
)
i18n.register(
    {
        "field.nid_format": {"ar": "الرقم القومي 14 رقمًا.", "en": "A national ID has 14 digits."},
        "field.nid_century": {
            "ar": "الرقم القومي يبدأ بالرقم 2 أو 3.",
            "en": "A national ID starts with 2 or 3.",
        },
        "field.nid_birth_date": {
            "ar": "تاريخ الميلاد في الرقم القومي غير صحيح.",
            "en": "The birth date in the national ID is not a real date.",
        },
        "field.nid_future_date": {
            "ar": "تاريخ الميلاد في الرقم القومي في المستقبل.",
            "en": "The birth date in the national ID is in the future.",
        },
        "field.nid_governorate": {
            "ar": "كود المحافظة في الرقم القومي غير موجود.",
            "en": "The governorate code in the national ID does not exist.",
        },
        "field.mobile_format": {
            "ar": "رقم الهاتف المحمول 11 رقمًا يبدأ بـ 01.",
            "en": "A mobile number has 11 digits starting with 01.",
        },
        "field.mobile_not_egyptian_mobile": {
            "ar": "الرقم ليس رقم هاتف محمول مصري (010 أو 011 أو 012 أو 015).",
            "en": "Not an Egyptian mobile number (010, 011, 012 or 015).",
        },
        "field.otp_format": {"ar": "الرمز 6 أرقام.", "en": "The code has 6 digits."},
    }
)
