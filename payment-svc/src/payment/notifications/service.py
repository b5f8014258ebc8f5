"""Receiving a provider's notification: signature and freshness first, then once-only."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from payment.answers.service import Policy
from payment.intents import outcomes
from payment.intents.repository import IntentRepository
from payment.notifications.repository import NotificationRepository
from payment.notifications.schemas import Notice
from payment.providers import signing
from payment.providers.base import Providers

log = logging.getLogger("payment.notifications")

MAX_LOGGED_BODY = 8000

i18n.register(
    {
        "problem.notification_refused.title": {
            "en": "Notification refused",
            "ar": "تم رفض الإشعار",
        },
        "problem.notification_refused.detail": {
            "en": "The notification is not signed, too old, or its signature does not match ({reason}).",
            "ar": "الإشعار غير موقّع أو قديم أو توقيعه غير مطابق ({reason}).",
        },
        "problem.invalid_notification.title": {
            "en": "The notification is malformed",
            "ar": "صيغة الإشعار غير صحيحة",
        },
        "problem.invalid_notification.detail": {
            "en": "The notification's body does not have the fields this provider sends.",
            "ar": "نص الإشعار لا يتضمن الحقول التي يرسلها هذا المزود.",
        },
        "problem.unknown_provider.title": {"en": "Unknown payment provider", "ar": "مزود سداد غير معروف"},
        "problem.unknown_provider.detail": {
            "en": "No payment provider of the platform has this name.",
            "ar": "لا يوجد مزود سداد بهذا الاسم على المنصة.",
        },
    }
)


@dataclass(frozen=True)
class Received:
    status: int
    outcome: str
    payment_id: str | None = None
    reason: str | None = None


async def receive(
    session: AsyncSession,
    *,
    provider_name: str,
    body: bytes,
    signature: str | None,
    secret: bytes,
    window_seconds: int,
    providers: Providers,
    policy: Policy,
    now: datetime,
) -> Received:
    notifications = NotificationRepository(session)
    text = body[:MAX_LOGGED_BODY].decode("utf-8", errors="replace")
    refusal = signing.check(secret, body, signature, now=now.timestamp(), window_seconds=window_seconds)
    if refusal is not None:
        log.warning("refused %s notification from %s: %s", refusal, provider_name, text[:200])
        await notifications.log(
            {"provider": provider_name, "signature_valid": False, "outcome": "refused", "reason": refusal,
             "body": text, "received_at": now}
        )  # fmt: skip
        return Received(401, "refused", reason=refusal)
    try:
        notice = Notice.model_validate_json(body)
    except ValidationError:
        log.warning("malformed %s notification: %s", provider_name, text[:200])
        await notifications.log(
            {"provider": provider_name, "signature_valid": False, "outcome": "malformed", "reason": "invalid body",
             "body": text, "received_at": now}
        )  # fmt: skip
        return Received(422, "malformed")
    row = await notifications.log(
        {"provider": provider_name, "notification_id": notice.id, "signature_valid": True, "outcome": "received",
         "body": text, "received_at": now}
    )  # fmt: skip
    if row is None:
        log.info("duplicate %s notification %s", provider_name, notice.id)
        return Received(200, "duplicate")
    intent = await IntentRepository(session).lock_by_reference(provider_name, notice.reference)
    if intent is None:
        log.error("%s notification %s names an unknown payment %s", provider_name, notice.id, notice.reference)
        await notifications.settle(row, outcome="unknown_payment")
        return Received(200, "unknown_payment")
    if notice.type == "payment.succeeded":
        if notice.transaction_id is None or notice.amount_piastres is None or notice.currency is None:
            await notifications.settle(row, outcome="malformed", payment_id=intent.id, reason="missing capture fields")
            return Received(422, "malformed")
        outcome = await outcomes.apply_success(
            session,
            intent=intent,
            provider=providers.for_method(intent.method),
            transaction_id=notice.transaction_id,
            amount_piastres=notice.amount_piastres,
            currency=notice.currency,
            occurred_at=notice.occurred_at,
            policy=policy,
            now=now,
        )
    else:
        outcome = await outcomes.apply_failure(session, intent=intent, reason=notice.reason or "error", now=now)
    await notifications.settle(row, outcome=outcome, payment_id=intent.id)
    return Received(200, outcome, payment_id=str(intent.id))
