"""Enrolment's problem texts."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = problem_texts(
    {
        "enrolment_not_matched": (
            "تعذر التحقق من البيانات",
            "The details could not be verified",
            "البيانات لا تطابق السجل المدني. راجع الرقم القومي واسمك الأول واسم والدتك الأول كما في بطاقتك.",
            "The details do not match the civil registry. Check the national ID, your first name and your "
            "mother's first name as on your ID card.",
        ),
        "enrolment_deceased": (
            "لا يمكن التسجيل",
            "Enrolment not possible",
            "السجل المدني يفيد بوفاة صاحب هذا الرقم القومي. إن كان ذلك خطأ فراجع مكتب السجل المدني.",
            "The civil registry records this person as deceased. If this is wrong, visit a civil registry office.",
        ),
        "enrolment_not_adult": (
            "السن أقل من المسموح",
            "Too young to enrol",
            "يلزم أن يكون عمرك {min_age:duration-year} على الأقل للتسجيل.",
            "You must be at least {min_age:duration-year} old to enrol.",
        ),
        "already_enrolled": (
            "مسجل بالفعل",
            "Already enrolled",
            "هذا الرقم القومي مسجل بالفعل. سجّل الدخول بدلًا من ذلك.",
            "This national ID is already enrolled. Sign in instead.",
        ),
        "mobile_in_use": (
            "رقم الهاتف مستخدم",
            "Mobile number in use",
            "رقم الهاتف مسجل لمواطن آخر. لكل مواطن رقم واحد ولكل رقم مواطن واحد.",
            "This mobile number belongs to another account: one number per citizen, one citizen per number.",
        ),
    }
)
