"""Problem texts about enrolled citizens."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = problem_texts(
    {
        "citizen_not_found": (
            "المواطن غير موجود",
            "Citizen not found",
            "لا يوجد حساب مسجل بهذه البيانات.",
            "There is no enrolled account with these details.",
        ),
    }
)
