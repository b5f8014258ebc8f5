"""Office-routing's bilingual problem texts."""

from kit import i18n

i18n.register(
    {
        "problem.office_not_found.title": {"en": "Office not found", "ar": "المكتب غير موجود"},
        "problem.office_not_found.detail": {
            "en": "There is no office with this id.",
            "ar": "لا يوجد مكتب بهذا المعرف.",
        },
        "validation.local_time": {
            "en": "A local wall-clock time (HH:MM or HH:MM:SS), without an offset.",
            "ar": "وقت محلي بصيغة HH:MM أو HH:MM:SS، دون فرق توقيت.",
        },
        "validation.unknown_governorate": {"en": "Unknown governorate code.", "ar": "رمز محافظة غير معروف."},
        "validation.working_days": {
            "en": "Working days are distinct ISO weekdays, 1 (Monday) to 7 (Sunday).",
            "ar": "أيام العمل أرقام أيام أسبوع غير مكررة من ١ (الاثنين) إلى ٧ (الأحد).",
        },
        "validation.no_slot_in_hours": {
            "en": "The office must be open long enough for at least one slot.",
            "ar": "يجب أن يكون المكتب مفتوحًا مدة تكفي لموعد واحد على الأقل.",
        },
        "problem.office_exists.title": {"en": "Office code already used", "ar": "رمز المكتب مستخدم بالفعل"},
        "problem.office_exists.detail": {
            "en": "Another office already has the code {code}.",
            "ar": "يوجد مكتب آخر بالرمز {code}.",
        },
        "problem.holiday_exists.title": {"en": "Already a holiday", "ar": "اليوم عطلة بالفعل"},
        "problem.holiday_exists.detail": {
            "en": "The office is already closed on {day}.",
            "ar": "المكتب مغلق بالفعل يوم {day}.",
        },
        "problem.appointment_not_found.title": {"en": "Appointment not found", "ar": "الموعد غير موجود"},
        "problem.appointment_not_found.detail": {
            "en": "There is no appointment with this id for you.",
            "ar": "لا يوجد موعد بهذا المعرّف يخصك.",
        },
        "problem.illegal_transition.title": {"en": "Not possible now", "ar": "غير ممكن الآن"},
        "problem.illegal_transition.detail": {
            "en": "The appointment is {status}; it cannot be {action}.",
            "ar": "حالة الموعد «{status}»، ولا يمكن تنفيذ «{action}» عليه.",
        },
        "problem.order_closed.title": {"en": "Request closed", "ar": "الطلب مغلق"},
        "problem.order_closed.detail": {
            "en": "The request this appointment was for is {status}; no new appointment can be made.",
            "ar": "الطلب الخاص بهذا الموعد حالته «{status}»، ولا يمكن حجز موعد جديد له.",
        },
        "problem.already_rebooked.title": {"en": "Already rebooked", "ar": "تم الحجز مجددًا بالفعل"},
        "problem.already_rebooked.detail": {
            "en": "This request already has another appointment; reschedule that one.",
            "ar": "لهذا الطلب موعد آخر بالفعل؛ عدّل ذلك الموعد.",
        },
        "problem.slot_full.title": {"en": "Slot full", "ar": "الموعد ممتلئ"},
        "problem.slot_full.detail": {
            "en": "Every seat in this slot is taken. Choose another from the alternatives.",
            "ar": "جميع الأماكن في هذا الموعد محجوزة. اختر موعدًا آخر من البدائل المتاحة.",
        },
        "problem.not_a_slot.title": {"en": "No such slot", "ar": "لا يوجد موعد بهذا الوقت"},
        "problem.not_a_slot.detail": {
            "en": "The office has no slot starting then (closed, holiday, outside hours, or too soon).",
            "ar": "لا يبدأ موعد في هذا الوقت بالمكتب (مغلق أو عطلة أو خارج ساعات العمل أو قريب جدًا).",
        },
        "problem.office_not_eligible.title": {"en": "Office not eligible", "ar": "المكتب غير مناسب"},
        "problem.office_not_eligible.detail": {
            "en": "This office does not offer the service in your governorate.",
            "ar": "لا يقدم هذا المكتب الخدمة في محافظتك.",
        },
        "problem.appointment_passed.title": {"en": "Appointment passed", "ar": "انقضى موعد الحضور"},
        "problem.appointment_passed.detail": {
            "en": "The appointment was on {day}; record a no-show and let the citizen book again.",
            "ar": "كان الموعد يوم {day}؛ سجّل عدم الحضور ليتمكن المواطن من الحجز مجددًا.",
        },
        "problem.too_early.title": {"en": "Too early", "ar": "مبكر جدًا"},
        "problem.too_early.detail": {
            "en": "A no-show can be recorded from {time} (Cairo time).",
            "ar": "يمكن تسجيل عدم الحضور بدءًا من {time} بتوقيت القاهرة.",
        },
        "problem.identity_mismatch.title": {"en": "Identity does not match", "ar": "الهوية غير مطابقة"},
        "problem.identity_mismatch.detail": {
            "en": "The national ID shown is not the one of the person this appointment is for.",
            "ar": "الرقم القومي المقدم لا يخص صاحب هذا الموعد.",
        },
        "problem.not_your_office.title": {"en": "Not your office", "ar": "ليس مكتبك"},
        "problem.not_your_office.detail": {
            "en": "Your account is bound to another office.",
            "ar": "حسابك مرتبط بمكتب آخر.",
        },
    }
)

STATUS_NAMES = {
    "booked": {"en": "booked", "ar": "محجوز"},
    "checked_in": {"en": "checked in", "ar": "تم تسجيل الحضور"},
    "verified": {"en": "verified", "ar": "تم التحقق"},
    "cancelled": {"en": "cancelled", "ar": "ملغى"},
    "no_show": {"en": "a no-show", "ar": "لم يحضر"},
    "rescheduled": {"en": "rescheduled", "ar": "أعيدت جدولته"},
    "open": {"en": "open", "ar": "مفتوح"},
}
ACTION_NAMES = {
    "check_in": {"en": "checked in", "ar": "تسجيل الحضور"},
    "verify": {"en": "verified", "ar": "التحقق"},
    "no_show": {"en": "marked as a no-show", "ar": "تسجيل عدم الحضور"},
    "cancel": {"en": "cancelled", "ar": "الإلغاء"},
    "reschedule": {"en": "rescheduled", "ar": "إعادة الجدولة"},
}


def word(table: dict[str, dict[str, str]], key: str) -> str:
    return table.get(key, {}).get(i18n.current_language(), key)
