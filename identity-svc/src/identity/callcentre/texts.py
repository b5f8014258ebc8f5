"""The call centre's problem texts."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = problem_texts(
    {
        "no_access_grant": (
            "لا توجد موافقة سارية",
            "No valid consent",
            "يلزم رمز موافقة من المواطن وسبب للاطلاع على بياناته، والموافقة محدودة المدة.",
            "You need the citizen's consent code and a reason to see their data; consent is time-limited.",
        ),
    }
)
