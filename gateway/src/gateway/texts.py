"""The gateway's own texts (kit has the titles of the problems every service shares): one table,
registered once when the gateway's app is built (`gateway.main.create_app`)."""

from __future__ import annotations

from gateway.event_keys.texts import TEXTS as EVENT_KEYS
from gateway.events.texts import TEXTS as EVENTS
from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.too_many_requests.title": {"en": "Too many requests", "ar": "طلبات كثيرة جدًا"},
    "problem.too_many_requests.detail": {
        "en": "Too many requests in a short time. Please wait for the time in Retry-After and try again.",
        "ar": "عدد كبير من الطلبات في وقت قصير. يُرجى الانتظار المدة المذكورة في Retry-After ثم المحاولة مجددًا.",
    },
    "problem.idempotency_key_reused.title": {
        "en": "Idempotency key already used",
        "ar": "مفتاح عدم التكرار مستخدم من قبل",
    },
    "problem.idempotency_key_reused.detail": {
        "en": "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
        "ar": "استُخدم مفتاح Idempotency-Key هذا لطلب مختلف. استخدم مفتاحًا جديدًا لكل طلب جديد.",
    },
    "problem.idempotency_in_progress.title": {
        "en": "The same request is still in progress",
        "ar": "الطلب نفسه ما زال قيد التنفيذ",
    },
    "problem.idempotency_in_progress.detail": {
        "en": "A request with this Idempotency-Key has not finished yet. Try again shortly to get its answer.",
        "ar": "لم ينتهِ بعد طلب يحمل مفتاح Idempotency-Key هذا. أعد المحاولة بعد قليل لتحصل على نتيجته.",
    },
    "problem.service_busy.title": {"en": "Service busy", "ar": "الخدمة مشغولة"},
    "problem.service_busy.detail": {
        "en": "Too many requests are waiting for this service right now. Please try again after the time in "
        "Retry-After.",
        "ar": "طلبات كثيرة تنتظر هذه الخدمة الآن. يُرجى المحاولة مجددًا بعد المدة المذكورة في Retry-After.",
    },
    "validation.idempotency_key": {
        "en": "Must be 1 to {max} printable ASCII characters (a UUID is a good key).",
        "ar": "يجب أن يتكون من 1 إلى {max} من محارف ASCII القابلة للطباعة (ويُفضَّل معرّف UUID).",
    },
    "problem.invalid_client.title": {"en": "Client authentication failed", "ar": "فشل التحقق من هوية العميل"},
    "problem.invalid_client.detail": {
        "en": "The client id or secret is wrong, or the integrator account is disabled.",
        "ar": "معرّف العميل أو كلمة سره غير صحيحة، أو أن حساب الجهة المتكاملة معطّل.",
    },
    "problem.invalid_request.title": {"en": "Invalid token request", "ar": "طلب رمز غير صالح"},
    "problem.invalid_request.detail": {
        "en": "Send grant_type and the client's credentials as application/x-www-form-urlencoded, once each.",
        "ar": "أرسل grant_type وبيانات اعتماد العميل بصيغة application/x-www-form-urlencoded مرة واحدة لكل منها.",
    },
    "problem.unsupported_grant_type.title": {"en": "Unsupported grant type", "ar": "نوع المنح غير مدعوم"},
    "problem.unsupported_grant_type.detail": {
        "en": "Only grant_type=client_credentials is supported.",
        "ar": "لا يُدعم إلا grant_type=client_credentials.",
    },
    "problem.invalid_scope.title": {"en": "Scope not granted", "ar": "نطاق غير ممنوح"},
    "problem.invalid_scope.detail": {
        "en": "Request only scopes that were granted to this integrator.",
        "ar": "اطلب فقط النطاقات الممنوحة لهذه الجهة المتكاملة.",
    },
    "problem.event_type_not_in_scope.title": {
        "en": "Event type outside your scopes",
        "ar": "نوع حدث خارج نطاقاتك",
    },
    "problem.event_type_not_in_scope.detail": {
        "en": "Your account may not receive these event types: {types}.",
        "ar": "لا يحق لحسابك استقبال أنواع الأحداث هذه: {types}.",
    },
    "problem.webhook_not_found.title": {"en": "Webhook subscription not found", "ar": "الاشتراك غير موجود"},
    "problem.webhook_not_found.detail": {
        "en": "You have no webhook subscription with this id.",
        "ar": "ليس لديك اشتراك بهذا المعرّف.",
    },
    "problem.delivery_not_found.title": {"en": "Delivery not found", "ar": "عملية التسليم غير موجودة"},
    "problem.delivery_not_found.detail": {
        "en": "This subscription has no delivery with this id.",
        "ar": "لا توجد عملية تسليم بهذا المعرّف لهذا الاشتراك.",
    },
    "problem.webhook_disabled.title": {"en": "Subscription disabled", "ar": "الاشتراك معطّل"},
    "problem.webhook_disabled.detail": {
        "en": "Re-enable the subscription (PATCH status=active) before replaying its deliveries.",
        "ar": "أعد تفعيل الاشتراك (PATCH status=active) قبل إعادة إرسال عمليات التسليم.",
    },
    "validation.address_not_allowed": {
        "en": "This address is not a public one (loopback, private, link-local or the platform's own network); "
        "webhooks go only to public endpoints or to networks the platform allows.",
        "ar": "هذا العنوان ليس عنوانًا عامًا (محلي أو خاص أو من شبكة المنصة نفسها)؛ لا تُرسل الإشعارات إلا إلى "
        "عناوين عامة أو إلى شبكات تسمح بها المنصة.",
    },
    "validation.host_not_allowed": {
        "en": "Use the endpoint's full public host name; local and cluster names are not allowed.",
        "ar": "استخدم اسم المضيف العام الكامل لنقطة الاستقبال؛ الأسماء المحلية وأسماء الشبكة الداخلية غير مسموح بها.",
    },
    "validation.host_unresolvable": {
        "en": "This host name does not resolve to any address.",
        "ar": "اسم المضيف هذا لا يدل على أي عنوان.",
    },
    "problem.webhook_limit_reached.title": {"en": "Too many subscriptions", "ar": "عدد الاشتراكات كبير جدًا"},
    "problem.webhook_limit_reached.detail": {
        "en": i18n.plural(
            "limit",
            one="An integrator may have at most {limit} webhook subscription.",
            other="An integrator may have at most {limit} webhook subscriptions.",
        ),
        "ar": i18n.plural(
            "limit",
            one="يحق للجهة المتكاملة اشتراك واحد على الأكثر.",
            two="يحق للجهة المتكاملة اشتراكان على الأكثر.",
            few="يحق للجهة المتكاملة {limit} اشتراكات على الأكثر.",
            many="يحق للجهة المتكاملة {limit} اشتراكًا على الأكثر.",
            other="يحق للجهة المتكاملة {limit} اشتراك على الأكثر.",
        ),
    },
    **EVENTS,
    **EVENT_KEYS,
}
