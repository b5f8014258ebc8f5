"""The texts of events published over HTTP: part of the gateway's one table (`gateway.texts`)."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.cloudevents_media_type.title": {"en": "Send CloudEvents", "ar": "أرسل الأحداث بصيغة `CloudEvents`"},
    "problem.cloudevents_media_type.detail": {
        "en": "Send one event as application/cloudevents+json, or a list of events as "
        "application/cloudevents-batch+json.",
        "ar": "أرسل حدثًا واحدًا بنوع المحتوى application/cloudevents+json، أو قائمة أحداث بنوع المحتوى "
        "application/cloudevents-batch+json.",
    },
    "problem.event_type_not_publishable.title": {
        "en": "This event type is not published by integrators",
        "ar": "هذا النوع من الأحداث لا تنشره الجهات المتكاملة",
    },
    "problem.event_type_not_publishable.detail": {
        "en": "{type} is published by the platform's own services. Integrators publish only the facts their "
        "authority owns: the civil registry, traffic, electricity and education.",
        "ar": "تنشر خدمات المنصة نفسها النوع {type}. لا تنشر الجهات المتكاملة إلا الوقائع التي تملكها جهتها: السجل "
        "المدني والمرور والكهرباء والتعليم.",
    },
    "problem.publish_not_in_scope.title": {
        "en": "Event type outside your publishing scopes",
        "ar": "نوع حدث خارج نطاقات النشر الممنوحة لك",
    },
    "problem.publish_not_in_scope.detail": {
        "en": "Your account may not publish {type}: ask the platform's operators for the scope publish:{type}.",
        "ar": "لا يحق لحسابك نشر {type}: اطلب من مشغلي المنصة منحك النطاق `publish:{type}`.",
    },
    "problem.event_id_taken.title": {"en": "Event id already used", "ar": "معرّف الحدث مستخدم من قبل"},
    "problem.event_id_taken.detail": {
        "en": "Another publisher already sent an event with this id. Give every event an id of its own (a UUID).",
        "ar": "أرسلت جهة أخرى حدثًا بهذا المعرّف من قبل. اجعل لكل حدث معرّفًا خاصًا به (UUID).",
    },
    "validation.unknown_event_type": {
        "en": "No event type of this name and version exists (see /asyncapi.json).",
        "ar": "لا يوجد نوع حدث بهذا الاسم وهذا الإصدار (راجع /asyncapi.json).",
    },
    "validation.subject_not_aggregate": {
        "en": "Must be the id of what the event is about, as its data gives it.",
        "ar": "يجب أن يكون معرّف ما يخصه الحدث، كما هو في بياناته.",
    },
}
