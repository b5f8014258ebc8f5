"""The texts of the citizen's own pages added with issue 15's second part: appointments and
rescheduling, the ration card's requests, my documents, notifications."""

from kit import i18n

_T = dict[str, dict[i18n.Language, str]]

APPOINTMENTS: _T = {
    "web.nav.appointments": {"ar": "مواعيدي", "en": "My appointments"},
    "web.appointments.title": {"ar": "مواعيدي في المكاتب", "en": "My office appointments"},
    "web.appointments.none": {"ar": "لا توجد مواعيد.", "en": "No appointments."},
    "web.appointment.status.booked": {"ar": "محجوز", "en": "Booked"},
    "web.appointment.status.checked_in": {"ar": "سجّلت حضورك", "en": "Checked in"},
    "web.appointment.status.verified": {"ar": "تم التحقق من هويتك", "en": "Identity checked"},
    "web.appointment.status.cancelled": {"ar": "ملغى", "en": "Cancelled"},
    "web.appointment.status.no_show": {"ar": "لم تحضر", "en": "Missed"},
    "web.appointment.status.rescheduled": {"ar": "نُقل إلى موعد آخر", "en": "Moved to another time"},
    "web.reschedule.title": {"ar": "غيّر موعدك", "en": "Change your appointment"},
    "web.reschedule.again": {"ar": "احجز موعدًا جديدًا", "en": "Book a new appointment"},
    "web.reschedule.now": {
        "ar": "موعدك الحالي: {time} في {office}.",
        "en": "Your appointment now: {time} at {office}.",
    },
    "web.reschedule.hint": {
        "ar": "مواعيد متاحة في مكاتب محافظتك التي تقدم هذه الخدمة، الأقرب أولًا.",
        "en": "Free times at the offices of your governorate that offer this service, earliest first.",
    },
    "web.reschedule.none": {
        "ar": "لا توجد مواعيد متاحة الآن. حاول مرة أخرى غدًا.",
        "en": "There are no free times now. Try again tomorrow.",
    },
    "web.reschedule.check.title": {"ar": "راجع الموعد الجديد", "en": "Check your new appointment"},
    "web.reschedule.from": {"ar": "الموعد الحالي", "en": "Your appointment now"},
    "web.reschedule.to": {"ar": "الموعد الجديد", "en": "Your new appointment"},
    "web.reschedule.declaration": {
        "ar": "بالتأكيد يُلغى موعدك الحالي ويُحجز لك الموعد الجديد؛ تصلك رسالة قصيرة به.",
        "en": "When you confirm, your appointment now is given up and the new one is booked; an SMS confirms it.",
    },
    "web.reschedule.submit": {"ar": "أكّد الموعد الجديد", "en": "Confirm the new appointment"},
    "web.reschedule.done": {"ar": "تم تغيير موعدك", "en": "Your appointment has changed"},
    "web.required.slot": {"ar": "اختر موعدًا من المواعيد المتاحة", "en": "Choose one of the free times"},
}

RATION_REQUESTS: _T = {
    "web.ration.requests": {"ar": "طلبات على البطاقة", "en": "Ask for a change to the card"},
    "web.ration.my_requests": {"ar": "طلباتي", "en": "My requests"},
    "web.ration.request": {"ar": "الطلب", "en": "Request"},
    "web.ration.ask.add_newborn": {"ar": "إضافة مولود", "en": "Add a newborn"},
    "web.ration.ask.add_newborn.lead": {
        "ar": "نسأل السجل المدني عن قيد الميلاد مباشرة؛ لا تحتاج إلى أي ورق.",
        "en": "We ask the civil registry for the birth record directly; you need no paper.",
    },
    "web.ration.ask.remove_member": {"ar": "حذف فرد", "en": "Remove a member"},
    "web.ration.ask.remove_member.lead": {
        "ar": "لفرد لم يعد من الأسرة المستحقة. إذا أثبت السجل المدني السبب يُحذف فورًا، وإلا يراجعه مسؤول التموين.",
        "en": "For a member who no longer belongs to the household. If the civil registry proves the reason it "
        "is done at once; otherwise a ration officer reviews it.",
    },
    "web.ration.ask.replacement": {"ar": "بدل تالف أو فاقد", "en": "A replacement card"},
    "web.ration.ask.replacement.lead": {
        "ar": "بطاقة جديدة برقم جديد بدلًا من بطاقة تالفة أو مفقودة، بعد دفع الرسم.",
        "en": "A new card with a new number in place of a damaged or lost one, once the fee is paid.",
    },
    "web.ration.newborn_id": {"ar": "الرقم القومي للمولود", "en": "The newborn's national ID number"},
    "web.ration.newborn_id_hint": {
        "ar": "١٤ رقمًا، كما في شهادة الميلاد.",
        "en": "14 digits, as on the birth certificate.",
    },
    "web.ration.note": {"ar": "ملاحظة لمسؤول التموين (اختياري)", "en": "A note for the ration officer (optional)"},
    "web.ration.note_hint": {"ar": "ما يفيد في مراجعة الطلب.", "en": "Anything that helps review the request."},
    "web.ration.which_member": {"ar": "من تريد حذفه؟", "en": "Who should be removed?"},
    "web.ration.no_members": {
        "ar": "لا يوجد على البطاقة فرد غير صاحبها.",
        "en": "Nobody but the holder is on the card.",
    },
    "web.ration.why_remove": {"ar": "السبب", "en": "Why"},
    "web.ration.why_replace": {"ar": "ما حال البطاقة؟", "en": "What happened to the card?"},
    "web.ration.reason": {"ar": "السبب", "en": "Reason"},
    "web.ration.reason.death": {"ar": "وفاة", "en": "Death"},
    "web.ration.reason.emigration": {"ar": "هجرة", "en": "Emigration"},
    "web.ration.reason.marriage": {"ar": "زواج وانتقال إلى أسرة أخرى", "en": "Married into another household"},
    "web.ration.reason.birth": {"ar": "ميلاد", "en": "Birth"},
    "web.ration.replacement.damaged": {"ar": "بدل تالف", "en": "Damaged"},
    "web.ration.replacement.lost": {"ar": "بدل فاقد", "en": "Lost"},
    "web.ration.replacement.damaged.hint": {
        "ar": "تعمل البطاقة الحالية حتى يصدر الرقم الجديد.",
        "en": "The card keeps working until the new number is issued.",
    },
    "web.ration.replacement.lost.hint": {
        "ar": "يتوقف رقم البطاقة المفقودة فور إرسال الطلب.",
        "en": "The lost card's number stops working as soon as you send the request.",
    },
    "web.ration.required.add_newborn.national_id": {
        "ar": "أدخل الرقم القومي للمولود",
        "en": "Enter the newborn's national ID number",
    },
    "web.ration.required.remove_member.national_id": {"ar": "اختر الفرد", "en": "Choose the member"},
    "web.ration.required.remove_member.reason": {"ar": "اختر السبب", "en": "Choose the reason"},
    "web.ration.required.replacement.reason": {
        "ar": "اختر إن كانت البطاقة تالفة أو مفقودة",
        "en": "Choose whether the card is damaged or lost",
    },
    "web.ration.check.title": {"ar": "راجع إجاباتك قبل الإرسال", "en": "Check your answers before sending"},
    "web.ration.free": {"ar": "بدون رسوم", "en": "Free"},
    "web.ration.lost_warning": {
        "ar": "تنبيه: يتوقف رقم بطاقتك الحالية فور الإرسال، ولا يعود للعمل.",
        "en": "Warning: your card's number stops working as soon as you send this, for good.",
    },
    "web.ration.check.declaration.member": {
        "ar": "بالإرسال تؤكد صحة البيانات. إذا كان للطلب رسم تدفعه بعد قبوله.",
        "en": "By sending you confirm these details are right. Where there is a fee, you pay it once the request "
        "is accepted.",
    },
    "web.ration.check.declaration.replacement": {
        "ar": "بالدفع تطلب بطاقة جديدة؛ تستلمها من مكتب التموين.",
        "en": "By paying you ask for a new card; you collect it at the supply office.",
    },
    "web.ration.check.submit": {"ar": "أرسل الطلب", "en": "Send the request"},
    "web.ration.check.submit_pay": {"ar": "أرسل الطلب وادفع", "en": "Send and pay"},
    "web.ration.done.title": {"ar": "البطاقة كما طلبت بالفعل", "en": "The card is already as you asked"},
    "web.ration.done.nothing": {
        "ar": "لم يُسجَّل طلب ولا يوجد ما تدفعه.",
        "en": "No request was recorded and there is nothing to pay.",
    },
    "web.ration.sent": {"ar": "تم إرسال طلبك", "en": "Your request was sent"},
    "web.ration.order_status.awaiting_payment": {"ar": "في انتظار الدفع", "en": "Awaiting payment"},
    "web.ration.order_status.issued": {"ar": "صدرت البطاقة الجديدة", "en": "New card issued"},
    "web.ration.order_status.cancelled": {"ar": "أُلغي", "en": "Cancelled"},
    "web.ration.order_status.failed": {"ar": "تعذّر", "en": "Failed"},
    "web.ration.new_number": {"ar": "رقم البطاقة الجديدة", "en": "New card number"},
    "web.ration.asked_on": {"ar": "تاريخ الطلب", "en": "Asked on"},
    "web.ration.decision": {"ar": "القرار", "en": "Decision"},
    "web.ration.next": {"ar": "الخطوة التالية", "en": "What happens next"},
    "web.ration.steps": {"ar": "مراحل الطلب", "en": "Every step"},
    "web.ration.step": {"ar": "الخطوة", "en": "Step"},
    "web.ration.card_stopped": {
        "ar": "رقم البطاقة موقوف حتى تصدر البطاقة البديلة",
        "en": "The card's number is stopped until the replacement is issued",
    },
}

DOCUMENTS: _T = {
    "web.nav.documents": {"ar": "مستنداتي", "en": "My documents"},
    "web.documents.title": {"ar": "مستنداتي", "en": "My documents"},
    "web.documents.lead": {
        "ar": "التوكيلات والشهادات الصادرة لك؛ افتح أيًا منها لطباعته.",
        "en": "The powers of attorney and certificates issued to you; open one to print it.",
    },
    "web.documents.none": {"ar": "لم يصدر لك مستند بعد.", "en": "No document has been issued to you yet."},
    "web.kind.birth": {"ar": "شهادة ميلاد", "en": "Birth certificate"},
    "web.kind.marriage": {"ar": "قسيمة زواج", "en": "Marriage certificate"},
    "web.kind.divorce": {"ar": "إشهاد طلاق", "en": "Divorce certificate"},
}

NOTIFICATIONS: _T = {
    "web.nav.notifications": {"ar": "الإشعارات", "en": "Notifications"},
    "web.notifications.title": {"ar": "الإشعارات", "en": "Notifications"},
    "web.notifications.lead": {
        "ar": "الرسائل القصيرة التي أرسلناها إليك، الأحدث أولًا.",
        "en": "The text messages we sent you, newest first.",
    },
    "web.notifications.none": {"ar": "لا توجد إشعارات بعد.", "en": "No notifications yet."},
    "web.notifications.queued": {"ar": "في الطريق إليك", "en": "On its way"},
    "web.notifications.kind.appointment_booked": {"ar": "موعد", "en": "Appointment"},
    "web.notifications.kind.payment_succeeded": {"ar": "دفع", "en": "Payment"},
    "web.notifications.kind.payment_succeeded.unnamed": {"ar": "دفع", "en": "Payment"},
    "web.notifications.kind.document_ready": {"ar": "مستند", "en": "Document"},
    "web.notifications.kind.eligibility_changed.eligible": {"ar": "بطاقة التموين", "en": "Ration card"},
    "web.notifications.kind.eligibility_changed.excluded": {"ar": "بطاقة التموين", "en": "Ration card"},
}

TEXTS: _T = {**APPOINTMENTS, **RATION_REQUESTS, **DOCUMENTS, **NOTIFICATIONS}
