"""The mobile change's problem and field texts."""

from identity.problems import Texts, problem_texts

TEXTS: Texts = {
    "field.document_expired": {
        "ar": "المستند المقدم منتهي الصلاحية.",
        "en": "The document shown has expired.",
    },
    **problem_texts(
        {
            "mobile_change_same": (
                "الرقم لم يتغير",
                "Same number",
                "الرقم الجديد هو نفس رقم الهاتف المسجل حاليًا.",
                "The new number is the mobile number already registered.",
            ),
            "mobile_change_not_found": (
                "طلب التغيير غير موجود",
                "No such change request",
                "لا يوجد طلب لتغيير رقم الهاتف بهذا المعرف.",
                "There is no mobile change request with this id.",
            ),
            "mobile_change_closed": (
                "الطلب مغلق",
                "Request closed",
                "طلب تغيير الرقم هذا {status}. ابدأ طلبًا جديدًا إن لزم.",
                "This mobile change request is {status}. Start a new one if needed.",
            ),
            "mobile_change_stale": (
                "تغير الرقم بالفعل",
                "The number changed meanwhile",
                "تغير رقم الهاتف المسجل منذ بدء هذا الطلب. ابدأ طلبًا جديدًا.",
                "The registered mobile changed since this request started. Start a new one.",
            ),
            "account_inactive": (
                "الحساب غير نشط",
                "Account not active",
                "لا يمكن تغيير رقم الهاتف لحساب غير نشط.",
                "The mobile of an inactive account cannot be changed.",
            ),
            "office_required": (
                "يلزم مكتب",
                "An office is required",
                "هذا الإجراء يتم في مكتب خدمة، وحسابك غير مرتبط بمكتب.",
                "This is done at a service office, and your staff account is not bound to one.",
            ),
        }
    ),
}
