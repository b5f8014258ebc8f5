"""Sign-in and tokens' problem texts."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = problem_texts(
    {
        "invalid_refresh_token": (
            "رمز التجديد غير صالح",
            "Invalid refresh token",
            "رمز التجديد منتهي أو ملغى أو غير معروف. سجّل الدخول من جديد.",
            "The refresh token is expired, revoked or unknown. Sign in again.",
        ),
        "refresh_token_reused": (
            "أُعيد استخدام رمز التجديد",
            "Refresh token reused",
            "استُخدم رمز التجديد هذا من قبل، فأُلغيت الجلسة كلها حمايةً لحسابك. سجّل الدخول من جديد.",
            "This refresh token was used before, so the whole session was revoked to protect you. Sign in again.",
        ),
        "login_failed": (
            "تعذر تسجيل الدخول",
            "Sign-in failed",
            "الرمز غير صحيح أو الحساب غير مسجل.",
            "The code is wrong or there is no enrolled account.",
        ),
    }
)
