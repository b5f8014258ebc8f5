"""The texts of integrators' event keys and of refused signatures: part of the gateway's one table."""

from __future__ import annotations

from kit import i18n

TEXTS: dict[str, dict[i18n.Language, i18n.Template]] = {
    "problem.event_key_kid_taken.title": {"en": "Key id already registered", "ar": "معرّف المفتاح مسجل من قبل"},
    "problem.event_key_kid_taken.detail": {
        "en": "A key with the id {kid} is already registered on the platform. Give each key an id of its own, "
        "for example your authority's name and the month it was made.",
        "ar": "يوجد مفتاح مسجل على المنصة بالمعرّف {kid}. اجعل لكل مفتاح معرّفًا خاصًا به، كاسم جهتك وشهر إنشائه.",
    },
    "problem.event_key_duplicate.title": {"en": "Key already registered", "ar": "المفتاح مسجل من قبل"},
    "problem.event_key_duplicate.detail": {
        "en": "This public key is already registered. Make a new key pair for a new key.",
        "ar": "هذا المفتاح العام مسجل من قبل. أنشئ زوج مفاتيح جديدًا لكل مفتاح جديد.",
    },
    "problem.event_key_limit_reached.title": {"en": "Too many keys", "ar": "عدد المفاتيح كبير جدًا"},
    "problem.event_key_limit_reached.detail": {
        "en": i18n.plural(
            "limit",
            one="An integrator may have at most {limit} active signing key: revoke an old one first.",
            other="An integrator may have at most {limit} active signing keys: revoke an old one first.",
        ),
        "ar": i18n.plural(
            "limit",
            one="يحق للجهة المتكاملة مفتاح توقيع فعّال واحد على الأكثر: ألغِ مفتاحًا قديمًا أولًا.",
            two="يحق للجهة المتكاملة مفتاحا توقيع فعّالان على الأكثر: ألغِ مفتاحًا قديمًا أولًا.",
            few="يحق للجهة المتكاملة {limit} مفاتيح توقيع فعّالة على الأكثر: ألغِ مفتاحًا قديمًا أولًا.",
            many="يحق للجهة المتكاملة {limit} مفتاح توقيع فعّالًا على الأكثر: ألغِ مفتاحًا قديمًا أولًا.",
            other="يحق للجهة المتكاملة {limit} مفتاح توقيع فعّال على الأكثر: ألغِ مفتاحًا قديمًا أولًا.",
        ),
    },
    "problem.event_key_not_found.title": {"en": "Key not found", "ar": "المفتاح غير موجود"},
    "problem.event_key_not_found.detail": {
        "en": "No signing key with this id is registered for you.",
        "ar": "لا يوجد مفتاح توقيع بهذا المعرّف مسجل لك.",
    },
    "problem.event_key_no_publish_scope.title": {
        "en": "Your account publishes no events",
        "ar": "حسابك لا ينشر أي أحداث",
    },
    "problem.event_key_no_publish_scope.detail": {
        "en": "A signing key signs the events your account may publish, and it may publish none: ask the "
        "platform's operators for a publish:<type> scope first.",
        "ar": "يوقّع مفتاح التوقيع الأحداث التي يحق لحسابك نشرها، ولا يحق له نشر أي حدث: اطلب من مشغلي المنصة "
        "منحك نطاق `publish:<type>` أولًا.",
    },
    "problem.event_signature_rejected.title": {"en": "Event signature refused", "ar": "رُفض توقيع الحدث"},
    "problem.event_signature_rejected.detail": {
        "en": "The platform accepts only events signed with one of your registered keys: {why}",
        "ar": "لا تقبل المنصة إلا الأحداث الموقعة بأحد مفاتيحك المسجلة: {why}",
    },
    "problem.event_id_resigned.title": {
        "en": "Event id already used for another event",
        "ar": "معرّف الحدث مستخدم لحدث آخر",
    },
    "problem.event_id_resigned.detail": {
        "en": "You published an event with this id before, and this one differs from it (its signature is "
        "another). An event is never changed once published: send a new event with a new id.",
        "ar": "نشرت حدثًا بهذا المعرّف من قبل، وهذا الحدث يختلف عنه (توقيعه مختلف). لا يُغيَّر حدث بعد نشره: "
        "أرسل حدثًا جديدًا بمعرّف جديد.",
    },
    "signature.unsigned": {
        "en": "this event carries no signaturekid and signature attributes.",
        "ar": "لا يحمل هذا الحدث السمتين signaturekid وsignature.",
    },
    "signature.bad-signature": {
        "en": "the signature does not match the event (was a field changed after signing?).",
        "ar": "التوقيع لا يطابق الحدث (هل تغيّر حقل بعد التوقيع؟).",
    },
    "signature.unknown-key": {
        "en": "no key with this signaturekid is registered for you.",
        "ar": "لا يوجد لك مفتاح مسجل بمعرّف signaturekid هذا.",
    },
    "signature.revoked-key": {
        "en": "this key is revoked or retired and signs nothing new.",
        "ar": "هذا المفتاح ملغى أو متقاعد ولا يوقّع أي حدث جديد.",
    },
    "signature.wrong-producer": {
        "en": "the event's source is not yours: your keys sign only events whose source is your own.",
        "ar": "مصدر الحدث ليس مصدرك: لا توقّع مفاتيحك إلا الأحداث التي مصدرها جهتك.",
    },
    "signature.type-not-allowed": {
        "en": "your keys may not sign this event type (it is not among your publish: scopes).",
        "ar": "لا يحق لمفاتيحك توقيع هذا النوع من الأحداث (ليس من نطاقات النشر الممنوحة لك).",
    },
    "signature.replayed": {
        "en": "this event was published before with another signature.",
        "ar": "نُشر هذا الحدث من قبل بتوقيع آخر.",
    },
    "validation.jwk_or_jwks_url": {
        "en": "Give either jwk (one public key) or jwks_url (where your keys are published), not both.",
        "ar": "أرسل إما jwk (مفتاحًا عامًا واحدًا) وإما jwks_url (عنوان نشر مفاتيحك)، لا كليهما.",
    },
    "validation.event_key_not_ed25519": {
        "en": "Must be an Ed25519 public key as a JWK: kty OKP and crv Ed25519.",
        "ar": "يجب أن يكون مفتاحًا عامًا من نوع Ed25519 بصيغة JWK: ‏kty بقيمة OKP و‏crv بقيمة Ed25519.",
    },
    "validation.event_key_private_part": {
        "en": "This is a private key (it has d). Send only the public key, and keep the private key to yourself.",
        "ar": "هذا مفتاح خاص (فيه d). أرسل المفتاح العام وحده، واحتفظ بالمفتاح الخاص لديك.",
    },
    "validation.event_key_wrong_size": {
        "en": "Must be the 32-byte Ed25519 public key, base64url without padding (43 characters).",
        "ar": "يجب أن يكون المفتاح العام لـ Ed25519 بطول 32 بايت، بترميز base64url دون حشو (43 محرفًا).",
    },
    "validation.event_key_bad_kid": {
        "en": "Must be a key id of 1 to 100 letters, digits and . _ : - (starting with a letter or digit).",
        "ar": "يجب أن يكون معرّف مفتاح من 1 إلى 100 من الحروف والأرقام و. _ : - (يبدأ بحرف أو رقم).",
    },
    "validation.event_key_not_for_signing": {
        "en": "An event key signs: use must be sig and alg EdDSA (or leave them out).",
        "ar": "مفتاح الأحداث للتوقيع: يجب أن تكون قيمة use هي sig وقيمة alg هي EdDSA (أو احذفهما).",
    },
    "validation.event_key_wrong_producer": {
        "en": "Must be your own event source (or leave it out: the platform fills it in).",
        "ar": "يجب أن يكون مصدر أحداثك أنت (أو احذفه: تملؤه المنصة).",
    },
    "validation.https_required": {
        "en": "Must be an https address.",
        "ar": "يجب أن يكون عنوانًا يبدأ بـ https.",
    },
    "validation.jwks_unreachable": {
        "en": "No JWKS could be fetched from this address (no answer in time, or not 200).",
        "ar": "تعذّر جلب مجموعة المفاتيح من هذا العنوان (لم يُجب في الوقت المحدد، أو أجاب بغير 200).",
    },
    "validation.jwks_invalid": {
        "en": "This address did not answer with a JWKS (a JSON object with keys, at most 64 KiB).",
        "ar": "لم يُجب هذا العنوان بمجموعة مفاتيح (كائن JSON فيه keys، بحجم 64 كيلوبايت على الأكثر).",
    },
    "validation.jwks_too_many_keys": {
        "en": "A JWKS may list at most 20 keys.",
        "ar": "لا يجوز أن تضم مجموعة المفاتيح أكثر من 20 مفتاحًا.",
    },
}
