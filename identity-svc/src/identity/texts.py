"""All of identity's texts, one table per domain, registered by the manifest."""

from identity.callcentre.texts import TEXTS as CALL_CENTRE
from identity.citizens.texts import TEXTS as CITIZENS
from identity.enrolment.texts import TEXTS as ENROLMENT
from identity.mobilechange.texts import TEXTS as MOBILE_CHANGE
from identity.otp.texts import TEXTS as OTP
from identity.problems import Texts, problem_texts
from identity.sessions.texts import TEXTS as SESSIONS
from identity.sms.texts import TEXTS as SMS
from identity.staff.texts import TEXTS as STAFF

COMMON: Texts = problem_texts(
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

FIELDS: Texts = {
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
"""The reasons of field errors (`identity.validation.field_error`)."""

TEXTS: Texts = {
    **COMMON,
    **FIELDS,
    **SMS,
    **OTP,
    **CITIZENS,
    **ENROLMENT,
    **SESSIONS,
    **MOBILE_CHANGE,
    **CALL_CENTRE,
    **STAFF,
}
