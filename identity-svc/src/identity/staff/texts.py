"""Staff accounts' and staff sign-in's problem texts."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = problem_texts(
    {
        "staff_exists": ("المستخدم موجود", "Username taken", "اسم المستخدم مستخدم بالفعل.", "That username exists."),
        "staff_invalid": ("بيانات غير صالحة", "Invalid staff details", "{reason}", "{reason}"),
        "invalid_credentials": (
            "بيانات الدخول غير صحيحة",
            "Wrong username or password",
            "اسم المستخدم أو كلمة المرور غير صحيحة.",
            "The username or password is wrong.",
        ),
        "staff_sign_in_slowed": (
            "محاولات دخول خاطئة كثيرة",
            "Too many wrong sign-ins",
            "أُدخلت كلمات مرور خاطئة كثيرة. انتظر {retry_after} ثانية ثم حاول مرة أخرى.",
            "Too many wrong passwords were entered. Wait {retry_after} seconds, then try again.",
        ),
        "staff_not_found": (
            "الموظف غير موجود",
            "No such staff member",
            "لا يوجد حساب موظف بهذا الاسم.",
            "There is no staff account with this username.",
        ),
    }
)
