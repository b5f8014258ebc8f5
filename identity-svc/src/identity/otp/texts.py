"""One-time codes' problem texts."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = problem_texts(
    {
        "otp_challenge_not_found": (
            "الطلب غير موجود",
            "No such request",
            "لا يوجد طلب رمز بهذا المعرف.",
            "There is no code request with this id.",
        ),
        "otp_wrong": (
            "الرمز غير صحيح",
            "Wrong code",
            "الرمز غير صحيح. المحاولات المتبقية: {remaining}.",
            "The code is wrong. Attempts left: {remaining}.",
        ),
        "otp_locked": (
            "تم إيقاف الرمز",
            "Code locked",
            "أُدخل رمز خاطئ عدة مرات، فأُوقف الطلب. يمكنك البدء من جديد بعد {retry_after} ثانية.",
            "A wrong code was entered too many times, so the request is locked. You can start again in "
            "{retry_after} seconds.",
        ),
        "otp_expired": (
            "انتهت صلاحية الرمز",
            "Code expired",
            "انتهت صلاحية الرمز. اطلب رمزًا جديدًا.",
            "The code has expired. Request a new one.",
        ),
        "otp_already_used": (
            "تم استخدام الرمز",
            "Code already used",
            "تم استخدام هذا الرمز من قبل.",
            "This code has already been used.",
        ),
        "otp_resend_too_soon": (
            "انتظر قبل إعادة الإرسال",
            "Wait before resending",
            "يمكنك طلب رمز جديد بعد {retry_after:duration-second}.",
            "You can ask for a new code in {retry_after:duration-second}.",
        ),
        "otp_resend_limit": (
            "تجاوزت حد إعادة الإرسال",
            "Resend limit reached",
            "لا يمكن إعادة إرسال الرمز أكثر من ذلك. ابدأ من جديد لاحقًا.",
            "The code cannot be resent again. Start over later.",
        ),
    }
)
