"""SMS texts in Arabic and English (the citizen's language). Amounts come as `i18n.Money`, days
and times as `i18n.Day` / `i18n.Time` (Cairo), services as `i18n.Words` of their catalogue names."""

from identity.problems import Texts

TEXTS: Texts = {
    "sms.otp.enrol": {
        "ar": "رمز تأكيد التسجيل في شباك: {code}. صالح لمدة {minutes:duration-minute}. لا تشاركه مع أحد.",
        "en": "Your Shubbak enrolment code: {code}. Valid for {minutes:duration-minute}. Do not share it.",
    },
    "sms.otp.login": {
        "ar": "رمز الدخول إلى شباك: {code}. صالح لمدة {minutes:duration-minute}. لا تشاركه مع أحد.",
        "en": "Your Shubbak sign-in code: {code}. Valid for {minutes:duration-minute}. Do not share it.",
    },
    "sms.otp.mobile_old": {
        "ar": "طُلب تغيير رقم هاتفك في شباك. رمز التأكيد: {code} (صالح لمدة {minutes:duration-minute}). "
        "إن لم تطلب ذلك فلا تشاركه مع أحد.",
        "en": "A change of your Shubbak mobile number was requested. "
        "Code: {code} (valid for {minutes:duration-minute}). If this was not you, do not share it.",
    },
    "sms.otp.mobile_new": {
        "ar": "رمز تسجيل هذا الرقم لحسابك في شباك: {code}. صالح لمدة {minutes:duration-minute}. لا تشاركه مع أحد.",
        "en": "Your code to make this your Shubbak mobile number: {code}. Valid for {minutes:duration-minute}. "
        "Do not share it.",
    },
    "sms.otp.consent": {
        "ar": "موظف مركز الاتصال بشباك يطلب الاطلاع على بياناتك. إن وافقت فأخبره بالرمز: "
        "{code} (صالح لمدة {minutes:duration-minute}).",
        "en": "A Shubbak call-centre agent asks to see your data. If you agree, read them this code: "
        "{code} (valid for {minutes:duration-minute}).",
    },
    "sms.notify.mobile_changed": {
        "ar": "تم تغيير رقم الهاتف المسجل لحسابك في شباك إلى رقم ينتهي بـ {last_digits}. "
        "إن لم تكن أنت فاتصل بمركز الاتصال أو زر مكتب خدمة.",
        "en": "The mobile number of your Shubbak account was changed to one ending in {last_digits}. "
        "If this was not you, call the call centre or visit a service office.",
    },
    "sms.notify.appointment_booked": {
        "ar": "تم حجز موعدك في مكتب الخدمة يوم {day} الساعة {time}. المرجع: {ref}.",
        "en": "Your office appointment is booked for {day} at {time}. Reference: {ref}.",
    },
    "sms.notify.payment_succeeded": {
        "ar": "تم استلام {amount} رسوم خدمة «{service}». شكرًا لك.",
        "en": "We received {amount} for “{service}”. Thank you.",
    },
    "sms.notify.payment_succeeded.unnamed": {
        "ar": "تم استلام {amount} رسوم طلبك في شباك. شكرًا لك.",
        "en": "We received {amount} for your Shubbak request. Thank you.",
    },
    "sms.notify.document_ready": {
        "ar": "التوكيل رقم {number} جاهز للاستلام من المكتب المحدد.",
        "en": "Power of attorney {number} is ready to collect at your assigned office.",
    },
    "sms.notify.eligibility_changed.eligible": {
        "ar": "بطاقة التموين: أسرتك مستحقة للدعم اعتبارًا من {day}.",
        "en": "Ration card: your household is eligible from {day}.",
    },
    "sms.notify.eligibility_changed.excluded": {
        "ar": "بطاقة التموين: تغيّر استحقاق أسرتك اعتبارًا من {day}. الأسباب والتظلم في شباك.",
        "en": "Ration card: your household's eligibility changed from {day}. Reasons and appeal on Shubbak.",
    },
}
